// Must show (engine): a compile error comes back as a diagnostic at the right line, a verifier
// rejection with the verifier's log, and neither writes a byte to the process's stderr.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, 'fixtures', 'engine-errors.ts');

t.test('compile errors and verifier rejections are data, not noise on stderr', async (t) => {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fixture], { timeout: 120_000 });
  t.equal(stderr, '', 'nothing reached stderr');
  const report = JSON.parse(stdout);

  const error = report.compile.diagnostics.find((d: { severity: string }) => d.severity === 'error');
  t.ok(error, 'a compile error diagnostic');
  t.equal(error.line, 6, 'at the line of the mistake');
  t.equal(error.column, 10);
  t.match(error.message, /undeclared identifier 'not_declared'/);

  t.equal(report.load.functionName, 'unchecked');
  t.equal(report.load.errno, 13, 'EACCES: the verifier said no');
  t.match(report.load.verifierLog, /invalid mem access 'map_value_or_null'|invalid mem access 'scalar'/);
  t.match(report.load.verifierLog, /processed \d+ insns/);
});
