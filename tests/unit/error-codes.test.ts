// The error codes are a contract (docs/errors.md): every code the workshop can report is
// documented there, under its kind, and every documented code is one the source really uses.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, isErrorCode, type ErrorKind } from '../../src/errors/codes.js';
import { describeProblem, exitCodeFor } from '../../src/errors/problem.js';
import { WorkshopError } from '../../src/errors/workshopError.js';
import { sourceFiles } from '../helpers/sourceFiles.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const doc = readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8');

/** code → the kind named in the heading of the section its row is in. */
function documented(): Map<string, ErrorKind | undefined> {
  const codes = new Map<string, ErrorKind | undefined>();
  let kind: ErrorKind | undefined;
  for (const line of doc.split('\n')) {
    const heading = /^## .*\(`(\w+)`, exit \d\)/.exec(line);
    if (line.startsWith('## ')) kind = heading?.[1] as ErrorKind | undefined;
    const row = /^\| `([A-Z][A-Z0-9_]*)` \|([^|]+)\|([^|]+)\|$/.exec(line);
    if (row) {
      if (codes.has(row[1]!)) t.fail(`${row[1]} is documented twice`);
      codes.set(row[1]!, kind);
      t.ok(row[2]!.trim().length > 10 && row[3]!.trim().length > 10, `${row[1]}: a meaning and what to do`);
    }
  }
  return codes;
}

const CODE_LITERAL = /['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)['"`]/g;
/** The families of codes: a literal that looks like one of these and is not in the table is a typo or an undocumented code. */
const FAMILY = /^(USAGE|INTERNAL|FILE_|HOOK_|COMPILE|MAP_|OUTPUT_|EVENT_|VERIFIER_|LIVE_|ENV_|ATTACH_|NATIVE_|SERVER_|STACK_|NO_RETURN|UNKNOWN_FUNCTION)/;

t.test('docs/errors.md documents exactly the codes of src/errors/codes.ts, each under its kind', async (t) => {
  const docs = documented();
  const table = Object.keys(ERROR_CODES);
  t.same([...docs.keys()].sort(), [...table].sort(), 'the same codes');
  for (const code of table) t.equal(docs.get(code), ERROR_CODES[code as keyof typeof ERROR_CODES], `${code} is documented under its kind`);
  for (const code of table) t.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${code} is upper snake case`);
});

t.test('every code the source uses is in the table, and every code in the table is used', async (t) => {
  const used = new Map<string, string[]>();
  const table = path.join(root, 'src', 'errors', 'codes.ts');
  for (const file of sourceFiles(path.join(root, 'src'))) {
    if (file === table) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(CODE_LITERAL)) {
      if (!FAMILY.test(m[1]!) && !isErrorCode(m[1])) continue;
      used.set(m[1]!, [...(used.get(m[1]!) ?? []), path.relative(root, file)]);
    }
  }
  const unknown = [...used.keys()].filter((code) => !isErrorCode(code) && !/^(COMPILING|COMPILE_COMMANDS)/.test(code));
  t.same(unknown, [], `every code-like literal in src/ is a documented code (${unknown.map((c) => `${c} in ${used.get(c)}`).join('; ')})`);
  const unused = Object.keys(ERROR_CODES).filter((code) => !used.has(code));
  t.same(unused, [], 'every documented code is reported somewhere in src/');
});

t.test('a WorkshopError becomes a Problem with its code; its kind gives the exit code', async (t) => {
  const program = describeProblem(new WorkshopError('VERIFIER_NULL_CHECK', 'line 3 uses a value without a NULL check', { hint: 'check it', location: { file: 'clean.c', line: 3 } }));
  t.match(program, { code: 'VERIFIER_NULL_CHECK', kind: 'program', hint: 'check it', location: { file: 'clean.c', line: 3 } });
  t.equal(exitCodeFor(program), 1);
  t.equal(exitCodeFor(describeProblem(new WorkshopError('ENV_TRACEFS', 'tracefs: not mounted'))), 2);
  t.equal(exitCodeFor(describeProblem(new WorkshopError('FILE_NOT_FOUND', 'x.c does not exist'))), 2);
  const bug = describeProblem(new TypeError('x is undefined'));
  t.match(bug, { code: 'INTERNAL', kind: 'internal', message: 'x is undefined' });
  t.equal(exitCodeFor(bug), 2);
});
