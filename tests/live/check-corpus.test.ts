// Must show 3: every file of the broken corpus (tests/fixtures/broken-corpus/manifest.json:
// a step file with one learner mistake, said as edits of it) gets its exact diagnosis from
// `check --json`: exit 1,
// the expected check failed at the expected line with a message that says what is wrong and
// how to fix it, no other check failed, no stack trace anywhere, no progress saved, and no
// BPF program of ours left loaded. Files run one after the other: each compiles twice and
// most attach to the one kernel.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { applyEdits } from '../helpers/corpus.js';
import { checkById, failedChecks, makeWorkspace, ourProgramIds, programsLeftBehind, RUN_TAG_VARIABLE, runCheck, runCli, STACK_TRACE } from '../helpers/cli.js';
import { liveKernel } from '../helpers/kernel.js';
import type { CheckResult } from '../../src/report/checkReport.js';

await liveKernel();
// Some 25 checks in a row, several seconds each (more on a busy machine): more than the default.
t.setTimeout(900_000);

const corpusDir = path.join(import.meta.dirname, '..', 'fixtures', 'broken-corpus');
const repo = path.resolve(import.meta.dirname, '..', '..');

const regex = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(e as Error).message}` });
    return z.NEVER;
  }
});

const entrySchema = z.strictObject({
  file: z.string().regex(/^[\w-]+\.c$/),
  /** The step file (or solution.c) it is made from; null for files that are not C at all, which lie in the corpus directory. */
  from: z.string().nullable(),
  mistake: z.string().min(1),
  /** The mistake: applied in order to the text of `from`, each `find` occurring there exactly once. */
  edits: z.array(z.strictObject({ find: z.string().min(1), replace: z.string() })).min(1).optional(),
  level: z.number().int().min(0).max(4),
  /** 1 for a mistake in the file; 2 only for a genuine usage error. */
  exit: z.union([z.literal(1), z.literal(2)]),
  check: z.string(),
  /** The failing check's stable code (docs/errors.md). */
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  line: z.number().int().positive().nullable(),
  pattern: regex,
  raw: regex.optional(),
  oneSentence: z.boolean().optional(),
  alsoFailing: z.array(z.strictObject({ check: z.string(), pattern: regex })).optional(),
}).refine((entry) => (entry.from === null) === (entry.edits === undefined), {
  message: 'an entry made from a step file says its mistake as edits; one with from null has none',
});

const manifest = z
  .strictObject({ description: z.string(), files: z.array(entrySchema).min(15) })
  .parse(JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')));

/** The broken file's bytes: the edits applied to the step file, or the file itself where there is none. */
function brokenFile(entry: z.infer<typeof entrySchema>): string | Buffer {
  if (entry.from === null || entry.edits === undefined) return readFileSync(path.join(corpusDir, entry.file));
  return applyEdits(readFileSync(path.join(repo, entry.from), 'utf8'), entry.edits, entry.file, entry.from);
}

/** What the learner reads for a check: the message, then the hint. */
const said = (check: CheckResult | undefined) => (check ? `${check.message}\n${check.hint ?? ''}` : '');

/** Sentence ends: a full stop, ! or ? followed by a capital letter or the end. */
const sentences = (text: string) => (text.trim().match(/[.!?](?=\s+[A-Z]|$)/g) ?? []).length;

t.test('the leftover check sees a program a run left loaded, and only that run\'s', async (t) => {
  // A stand-in for a leaking CLI: loads a program named like ours and holds it until killed.
  const holder = [
    `const { BpfProgram } = await import(${JSON.stringify(path.join(repo, 'src', 'engine', 'bpfProgram.ts'))});`,
    `const { liveKernel } = await import(${JSON.stringify(path.join(repo, 'tests', 'helpers', 'kernel.ts'))});`,
    'await liveKernel();',
    "const load = [{ name: 'syscall__probe_leak_test', type: 'tracepoint' }];",
    "const program = await BpfProgram.compile('int syscall__probe_leak_test(void *ctx) { return 0; }', { load });",
    "program.programFd('syscall__probe_leak_test');",
    "process.stdout.write('loaded\\n');",
    'setInterval(() => {}, 1000);',
  ].join('\n');
  const hold = async (tag: string | null) => {
    const before = ourProgramIds();
    const env = { ...process.env, ...(tag ? { [RUN_TAG_VARIABLE]: tag } : {}) };
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holder], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('loaded') && resolve());
      child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before loading`)));
    });
    return { before, child };
  };

  const tagged = await hold('leak-test');
  t.equal((await programsLeftBehind(tagged.before, { tag: 'leak-test' }, 500)).length, 1, 'a program held by a process the run started is left behind');
  t.same(await programsLeftBehind(tagged.before, { tag: 'another-run' }, 500), [], 'another run\'s program is not this run\'s');
  tagged.child.kill('SIGKILL');
  await once(tagged.child, 'exit');
  t.same(await programsLeftBehind(tagged.before, { tag: 'leak-test' }), [], 'gone once its holder is');
});

t.test('the manifest names each file once; each is made from a real step file by edits that apply, or lies in the corpus directory', async (t) => {
  const names = manifest.files.map((e) => e.file);
  t.same([...new Set(names)].sort(), names.slice().sort(), 'no file is named twice');
  const files = readdirSync(corpusDir).filter((f) => f.endsWith('.c')).sort();
  t.same(manifest.files.filter((e) => e.from === null).map((e) => e.file).sort(), files, 'the directory holds exactly the files not made from a step file');
  for (const entry of manifest.files) {
    if (entry.from === null) continue;
    if (!t.ok(existsSync(path.join(repo, entry.from)), `${entry.file} comes from ${entry.from}`)) continue;
    try {
      brokenFile(entry);
      t.pass(`${entry.file}: each edit finds its text exactly once`);
    } catch (e) {
      t.fail((e as Error).message);
    }
  }
});

t.test('an edit whose text is missing from its step file, or there twice, fails naming the entry', async (t) => {
  const step = 'int a;\nint b;\nint b;\n';
  t.equal(applyEdits(step, [{ find: 'int a;', replace: 'int c;' }, { find: 'c', replace: 'd' }], 'x.c', 'step.c'), 'int d;\nint b;\nint b;\n', 'edits apply in order');
  t.throws(() => applyEdits(step, [{ find: 'int z;', replace: '' }], 'x.c', 'step.c'), /^x\.c: edit 1 looks for "int z;", which is not in step\.c/);
  t.throws(() => applyEdits(step, [{ find: 'int a;', replace: '' }, { find: 'int b;', replace: '' }], 'x.c', 'step.c'), /^x\.c: edit 2 .* occurs more than once in step\.c/);
});

for (const entry of manifest.files) {
  t.test(`${entry.file} (level ${entry.level}): ${entry.mistake}`, async (t) => {
    const workspace = makeWorkspace('ebpf-workshop-corpus-');
    t.teardown(() => workspace.remove());
    writeFileSync(path.join(workspace.dir, entry.file), brokenFile(entry));

    const before = ourProgramIds();
    const run = await runCheck(['--level', String(entry.level), entry.file], { workspace });
    t.same(await programsLeftBehind(before, run), [], 'no program of ours is left loaded');

    t.equal(run.code, entry.exit, `exit ${entry.exit}`);
    t.equal(run.signal, null, 'the CLI ended by itself');
    t.notMatch(run.stdout, STACK_TRACE, 'no stack trace on stdout');
    t.notMatch(run.stderr, STACK_TRACE, 'no stack trace on stderr');
    t.equal(run.report.passed, false);
    t.equal(run.report.file, entry.file);
    t.notOk(existsSync(workspace.progressFile), 'a failure saves no progress');

    const check = checkById(run.report, entry.check);
    t.equal(check?.status, 'fail', `${entry.check} failed`);
    t.equal(check?.code, entry.code, `with the code ${entry.code}`);
    t.equal(failedChecks(run.report)[0]?.id, entry.check, 'it is the first failing check, the one the board shows');
    t.match(said(check), entry.pattern, 'the diagnosis');
    if (entry.line === null) t.equal(check?.location, null, 'no line applies');
    else t.match(check?.location, { file: entry.file, line: entry.line }, `at ${entry.file}:${entry.line}`);
    if (entry.oneSentence) t.equal(sentences(check?.message ?? ''), 1, `one sentence: ${check?.message}`);
    t.notOk(check && 'raw' in check, 'the raw output stays behind --verbose');

    const others = entry.alsoFailing ?? [];
    t.same(
      failedChecks(run.report).map((c) => c.id).sort(),
      [entry.check, ...others.map((o) => o.check)].sort(),
      'no other check failed',
    );
    for (const other of others) t.match(said(checkById(run.report, other.check)), other.pattern, other.check);

    if (entry.raw) {
      const verbose = await runCheck(['--verbose', '--level', String(entry.level), entry.file], { workspace });
      t.equal(verbose.code, entry.exit);
      t.match(checkById(verbose.report, entry.check)?.raw, entry.raw, '--verbose shows the verifier\'s log');
    }
  });
}

t.test('a file that does not exist is a usage error: exit 2, said in one JSON object', async (t) => {
  const workspace = makeWorkspace('ebpf-workshop-corpus-');
  t.teardown(() => workspace.remove());
  const run = await runCli(['check', '--json', '--level', '0', 'no-such-file.c'], { workspace });
  t.equal(run.code, 2);
  t.match(JSON.parse(run.stdout), { type: 'error', code: 'FILE_NOT_FOUND', kind: 'usage', message: /no-such-file\.c does not exist/ });
  t.notMatch(run.stdout + run.stderr, STACK_TRACE);
});

t.test('an unknown level is a usage error naming the range: exit 2, LEVEL_OUT_OF_RANGE', async (t) => {
  const workspace = makeWorkspace('ebpf-workshop-corpus-');
  t.teardown(() => workspace.remove());
  const run = await runCli(['check', '--json', '--level', '9', 'x.c'], { workspace });
  t.equal(run.code, 2);
  t.match(JSON.parse(run.stdout), { type: 'error', code: 'LEVEL_OUT_OF_RANGE', kind: 'usage', message: /There is no level 9: the levels are 0 to 4/ });
  const word = await runCli(['check', '--json', '--level', 'x', 'x.c'], { workspace });
  t.equal(word.code, 2);
  t.match(JSON.parse(word.stdout), { type: 'error', code: 'USAGE', kind: 'usage', message: /expected a level number/ });
});
