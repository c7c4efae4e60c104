// Which of the app's snapshots are a verdict to send to the board, and when two are the same.
import t from 'tap';
import { sessionVerdict } from '../../src/board/sessionReports.js';
import { initialWatchState, type WatchState } from '../../src/app/watchMachine.js';
import { fail, pass } from '../../src/report/checkReport.js';

const base = { phase: 'ready' as const, file: 'clean.c', level: 2, attachMode: 'tracepoint' as const, live: { checks: [], passed: false }, passedLevel: null };
const watch = (status: WatchState['status'], extra: Partial<WatchState> = {}): WatchState => ({ ...initialWatchState, status, generation: 3, ...extra });
const compiled = [pass('compile', 'compiles', 'ok')];

t.test('no verdict while starting, compiling, or attached with no traffic judged yet', async (t) => {
  t.equal(sessionVerdict({ ...base, phase: 'starting', watch: watch('broken') }), null);
  t.equal(sessionVerdict({ ...base, watch: watch('compiling') }), null);
  t.equal(sessionVerdict({ ...base, watch: watch('attached', { checks: compiled }) }), null);
});

t.test('a save that fails its static checks is a failing verdict', async (t) => {
  const checks = [fail('compile', 'compiles', 'expected ;', { code: 'COMPILE_MISSING_SEMICOLON', location: { file: 'clean.c', line: 9, column: 3 } })];
  const verdict = sessionVerdict({ ...base, watch: watch('broken', { checks }) });
  t.equal(verdict?.report.passed, false);
  t.same(verdict?.report.checks, checks);
});

t.test('a failure outside the checks becomes one failing check with its message', async (t) => {
  const problem = { code: 'SERVER_FAILED' as const, kind: 'environment' as const, message: 'the demo server stopped', hint: 'start again', location: null, raw: null };
  const verdict = sessionVerdict({ ...base, watch: watch('broken', { problem }) });
  t.equal(verdict?.report.checks[0]?.message, 'the demo server stopped');
  t.equal(verdict?.report.checks[0]?.status, 'fail');
  t.equal(verdict?.report.checks[0]?.code, 'SERVER_FAILED', 'with the problem\'s code');
});

t.test('the live checks decide once they ran; the same verdict has the same key', async (t) => {
  const live = { checks: [fail('live:close', 'close', 'no close event', { code: 'LIVE_CLOSE_MISSING' })], passed: false };
  const first = sessionVerdict({ ...base, watch: watch('attached', { checks: compiled }), live });
  t.equal(first?.report.passed, false);
  t.equal(first?.report.checks.length, 2, 'static and live checks');
  const again = sessionVerdict({ ...base, watch: watch('attached', { checks: compiled }), live: { ...live } });
  t.equal(again?.key, first?.key, 'judged again with the same outcome: not sent again');
  const passing = sessionVerdict({ ...base, watch: watch('attached', { checks: compiled }), live: { checks: [pass('live:close', 'close', 'ok')], passed: true } });
  t.equal(passing?.report.passed, true);
  t.not(passing?.key, first?.key);
  const nextSave = sessionVerdict({ ...base, watch: watch('attached', { checks: compiled, generation: 4 }), live });
  t.not(nextSave?.key, first?.key, 'a new save is a new report, even with the same outcome');
});

t.test('a level with no live part passes once compiled and loaded', async (t) => {
  const verdict = sessionVerdict({ ...base, level: 0, passedLevel: 0, watch: watch('attached', { checks: compiled }) });
  t.equal(verdict?.report.passed, true);
  t.equal(verdict?.report.level, 0);
});
