// Must show (engine, isolate): a learner's program that makes LLVM end the process (a BPF
// stack over 512 bytes) comes back as a CompileError marked `crashed`, with a diagnostic that
// names the stack limit, and the process lives on and compiles again; an ordinary syntax error
// comes back at its line, not marked crashed; a valid program compiles; nothing reaches our
// stderr. The scenario runs in a child so the test sees its stderr and its survival.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { checkCompileIsolated } from '../../src/engine/compileCheck.js';
import { liveKernel } from '../helpers/kernel.js';

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, 'fixtures', 'compile-isolation.ts');

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
}
interface Failure {
  message: string;
  crashed: boolean;
  diagnostics: Diagnostic[];
  stderr: string;
}

t.test('the bare program LLVM aborts on still kills a process that compiles it in-process', async (t) => {
  // Proves the fixture is the crash this feature exists for (else the tests below prove nothing).
  const script = [
    "import { readFileSync } from 'node:fs';",
    `const { addon } = await import(${JSON.stringify(path.join(import.meta.dirname, '..', '..', 'src', 'native', 'addon.ts'))});`,
    `const { liveKernel } = await import(${JSON.stringify(path.join(import.meta.dirname, '..', 'helpers', 'kernel.ts'))});`,
    'await liveKernel();',
    `await addon().compile(readFileSync(${JSON.stringify(path.join(import.meta.dirname, '..', 'fixtures', 'clang-mistakes', 'big-stack.c'))}, 'utf8'), []);`,
    "process.stdout.write('survived');",
  ].join('\n');
  const died = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 120_000 }).then(
    ({ stdout }) => ({ survived: stdout === 'survived', code: 0, signal: null }),
    (e: { code: number | null; signal: string | null }) => ({ survived: false, code: e.code, signal: e.signal }),
  );
  t.equal(died.survived, false, 'compiling it in-process ends the process');
  t.comment(`in-process compile ended the process with status ${died.code}, signal ${died.signal}`);
});

t.test('compile with isolate: crashes, errors and successes, and not a byte on stderr', async (t) => {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fixture], { timeout: 240_000 });
  t.equal(stderr, '', 'nothing reached stderr');
  const report = JSON.parse(stdout);

  const crash = report.bigStack as Failure;
  t.equal(crash.crashed, true, 'the compiler crash is marked as one');
  const stackError = crash.diagnostics.find((d) => d.severity === 'error' && /BPF stack limit of 512 bytes/.test(d.message));
  t.ok(stackError, 'a located error names the 512-byte stack limit');
  t.match(crash.message, /512 bytes/, 'and the error message leads with it');
  t.match(stackError?.message, /^in function syscall__probe_ret_read: /, 'naming the function, without its IR signature');
  t.comment(`bare source: LLVM names ${stackError?.file}:${stackError?.line}:${stackError?.column}`);

  // Which file and line a backend error carries as the app would compile the learner's file.
  for (const key of ['bigStackNamed', 'bigStackAdapted'] as const) {
    const failure = report[key] as Failure;
    t.equal(failure.crashed, true, `${key}: crashed`);
    const d = failure.diagnostics.find((x) => /stack limit/.test(x.message));
    t.equal(d?.file, 'clean.c', `${key}: the error names the learner's file`);
    t.comment(`${key}: LLVM names ${d?.file}:${d?.line}:${d?.column} (${d?.message.split(':')[0]})`);
  }
  // In tracepoint mode the adapter's #line directives sit at each body, so the line is the
  // learner's: big-stack.c's syscall__probe_ret_read starts on line 217; 218 is its first statement.
  const adapted = (report.bigStackAdapted as Failure).diagnostics.find((x) => /stack limit/.test(x.message));
  t.equal(adapted?.line, 218, "tracepoint mode: the line is inside the learner's syscall__probe_ret_read");

  t.equal(report.tinyAfterCrash, 'compiled', 'the same process compiles a valid program afterwards');

  const syntax = report.syntax as Failure;
  t.equal(syntax.crashed, false, 'a syntax error is not a crash');
  const error = syntax.diagnostics.find((d) => d.severity === 'error');
  t.same([error?.file, error?.line, error?.column], ['clean.c', 3, 14], 'at the line and column of the missing semicolon');
  t.match(error?.message, /expected ';'/);

  t.equal(report.solution.plain.result, 'compiled', 'solution.c compiles in-process');
  t.equal(report.solution.isolated.result, 'compiled', 'solution.c compiles with isolate');
  t.comment(
    `solution.c: ${report.solution.plain.ms} ms in-process, ${report.solution.isolated.ms} ms with isolate ` +
      `(+${report.solution.isolated.ms - report.solution.plain.ms} ms)`,
  );
});

t.test('the checker says why, as data, for a hung compiler and for a program that compiles', async (t) => {
  await liveKernel();
  const hung = await checkCompileIsolated('int f(void *ctx) { return 0; }', [], { timeoutMs: 1 });
  t.equal(hung.outcome, 'crashed', 'a compile that outlives its time counts as a crash');
  t.equal(hung.signal, 'SIGKILL');
  t.match(hung.stderr, /did not finish within/);

  const ok = await checkCompileIsolated('int f(void *ctx) { return 0; }', []);
  t.same([ok.outcome, ok.status], ['ok', 0]);
});
