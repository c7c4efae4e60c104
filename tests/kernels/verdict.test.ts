// The verdict `npm run test:kernels` prints per kernel: what makes a kernel's line FAIL.
import t from 'tap';
// @ts-expect-error: a plain .mjs module, run by node without tsx in `npm run test:kernels`
import { kernelVerdict, parseReport } from './verdict.mjs';

interface Result {
  file: string;
  level: number;
  exitCode: number | string | null;
  passed: boolean;
  attachMode: string | null;
  failures: string[];
  seconds: number;
  stderr: string;
}

const passing = (file: string, level: number, attachMode = 'kprobe'): Result => ({
  file, level, exitCode: 0, passed: true, attachMode, failures: [], seconds: 100, stderr: '',
});
const allFour = (attachMode = 'kprobe'): Result[] => [
  passing('solution.c', 4, attachMode),
  passing('levels/http/steps/level-1.c', 1, attachMode),
  passing('levels/http/steps/level-2.c', 2, attachMode),
  passing('levels/http/steps/level-3.c', 3, attachMode),
];
const outcomeOf = (results: Result[], extra: Record<string, unknown> = {}) => ({
  code: 0,
  stdout: `${JSON.stringify({ kernel: '6.1.0-56-amd64', results, leftovers: [], ...extra })}\n`,
  stderr: '',
});
const verdict = (outcome: { code: unknown; stdout: string; stderr: string }, expected = 'kprobe') =>
  kernelVerdict({ where: 'guest', expected, checkCount: 4, outcome, seconds: 300 }) as { ok: boolean; lines: string[] };

t.test('every check passed in the expected mode: one pass line, then a line per check', async (t) => {
  const v = verdict(outcomeOf(allFour()));
  t.equal(v.ok, true);
  t.equal(v.lines[0], 'guest 6.1.0-56-amd64 kprobe: pass (4/4, 300 s)');
  t.equal(v.lines[1], '  solution.c --level 4: pass (100 s)');
  t.equal(v.lines.length, 5);
});

t.test('a passing check in the wrong attach mode fails the kernel', async (t) => {
  const results = allFour();
  results[0] = passing('solution.c', 4, 'tracepoint');
  const v = verdict(outcomeOf(results));
  t.equal(v.ok, false);
  t.equal(v.lines[0], 'guest 6.1.0-56-amd64 kprobe: FAIL (3/4, 300 s)');
  t.ok(v.lines.includes('      attach mode tracepoint, expected kprobe'));
});

t.test('the host expecting tracepoint fails on kprobe', async (t) => {
  t.equal(verdict(outcomeOf(allFour('kprobe')), 'tracepoint').ok, false);
  t.equal(verdict(outcomeOf(allFour('tracepoint')), 'tracepoint').ok, true);
});

t.test('a failed check is named with its failed checks and stderr', async (t) => {
  const results = allFour();
  results[2] = {
    ...passing('levels/http/steps/level-2.c', 2),
    exitCode: 1,
    passed: false,
    failures: ['live capture from the demo server: no ingress events'],
    stderr: 'something said',
  };
  const v = verdict(outcomeOf(results));
  t.equal(v.ok, false);
  t.ok(v.lines.includes('  levels/http/steps/level-2.c --level 2: FAIL (100 s)'));
  t.ok(v.lines.includes('      live capture from the demo server: no ingress events'));
  t.ok(v.lines.includes('      | something said'));
});

t.test('a check that crashed without a report says its exit code', async (t) => {
  const results = allFour();
  results[1] = { ...passing('levels/http/steps/level-1.c', 1), exitCode: 'signal SIGSEGV', passed: false, attachMode: null };
  const v = verdict(outcomeOf(results));
  t.equal(v.ok, false);
  t.ok(v.lines.includes('      exit signal SIGSEGV'));
  t.ok(v.lines.includes('      attach mode unknown, expected kprobe'));
});

t.test('fewer results than checks fails', async (t) => {
  t.equal(verdict(outcomeOf(allFour().slice(0, 3))).ok, false);
});

t.test('a kprobe event left behind fails the kernel', async (t) => {
  const v = verdict(outcomeOf(allFour(), { leftovers: ['p:kprobes/p_ws_120___x64_sys_read __x64_sys_read'] }));
  t.equal(v.ok, false);
  t.ok(v.lines.includes('  left in the kernel: p:kprobes/p_ws_120___x64_sys_read __x64_sys_read'));
});

t.test('no report at all (the guest never ran the job): FAIL with what was said', async (t) => {
  const v = verdict({ code: 125, stdout: '', stderr: 'error: the guest stopped before running the command (QEMU exit 1).\nKernel panic' });
  t.equal(v.ok, false);
  t.equal(v.lines[0], 'guest ? kprobe: FAIL (the checks did not run: exit 125, 300 s)');
  t.equal(v.lines.at(-1), '    Kernel panic');
});

t.test('parseReport takes the last stdout line and rejects anything else', async (t) => {
  t.same(parseReport('noise\n{"kernel":"k","results":[]}\n'), { kernel: 'k', results: [] });
  t.equal(parseReport('{"kernel":"k"}'), null);
  t.equal(parseReport('not json'), null);
  t.equal(parseReport(''), null);
});

t.test('a TLS-track check is named with its track', async (t) => {
  const results = [...allFour(), { ...passing('levels/tls/solution.c', 4), track: 'tls' }];
  const v = kernelVerdict({ where: 'guest', expected: 'kprobe', checkCount: 5, outcome: outcomeOf(results), seconds: 300 }) as { ok: boolean; lines: string[] };
  t.equal(v.ok, true);
  t.ok(v.lines.includes('  levels/tls/solution.c --track tls --level 4: pass (100 s)'));
  t.ok(v.lines.includes('  solution.c --level 4: pass (100 s)'), 'the HTTP track, the default, is not named');
});
