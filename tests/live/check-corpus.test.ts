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
import path from 'node:path';
import { applyEdits } from '../helpers/corpus.js';
import { testWorkspace, ourProgramIds, programsLeftBehind, RUN_TAG_VARIABLE, runCli, STACK_TRACE } from '../helpers/cli.js';
import { corpusSuite, loadCorpus } from '../helpers/corpusSuite.js';
import { liveKernel } from '../helpers/kernel.js';

await liveKernel();
// Some 25 checks in a row, several seconds each (more on a busy machine): more than the default.
t.setTimeout(900_000);

const repo = path.resolve(import.meta.dirname, '..', '..');

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

t.test('an edit whose text is missing from its step file, or there twice, fails naming the entry', async (t) => {
  const step = 'int a;\nint b;\nint b;\n';
  t.equal(applyEdits(step, [{ find: 'int a;', replace: 'int c;' }, { find: 'c', replace: 'd' }], 'x.c', 'step.c'), 'int d;\nint b;\nint b;\n', 'edits apply in order');
  t.throws(() => applyEdits(step, [{ find: 'int z;', replace: '' }], 'x.c', 'step.c'), /^x\.c: edit 1 looks for "int z;", which is not in step\.c/);
  t.throws(() => applyEdits(step, [{ find: 'int a;', replace: '' }, { find: 'int b;', replace: '' }], 'x.c', 'step.c'), /^x\.c: edit 2 .* occurs more than once in step\.c/);
});

corpusSuite(loadCorpus('broken-corpus', 15), 'http');

t.test('a file that does not exist is a usage error: exit 2, said in one JSON object', async (t) => {
  const workspace = testWorkspace(t, 'ebpf-workshop-corpus-');
  const run = await runCli(['check', '--json', '--level', '0', 'no-such-file.c'], { workspace });
  t.equal(run.code, 2);
  t.match(JSON.parse(run.stdout), { type: 'error', code: 'FILE_NOT_FOUND', kind: 'usage', message: /no-such-file\.c does not exist/ });
  t.notMatch(run.stdout + run.stderr, STACK_TRACE);
});

t.test('an unknown level is a usage error naming the range: exit 2, LEVEL_OUT_OF_RANGE', async (t) => {
  const workspace = testWorkspace(t, 'ebpf-workshop-corpus-');
  const run = await runCli(['check', '--json', '--level', '9', 'x.c'], { workspace });
  t.equal(run.code, 2);
  t.match(JSON.parse(run.stdout), { type: 'error', code: 'LEVEL_OUT_OF_RANGE', kind: 'usage', message: /There is no level 9: the levels are 0 to 4/ });
  const word = await runCli(['check', '--json', '--level', 'x', 'x.c'], { workspace });
  t.equal(word.code, 2);
  t.match(JSON.parse(word.stdout), { type: 'error', code: 'USAGE', kind: 'usage', message: /expected a level number/ });
});
