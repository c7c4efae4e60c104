import t from 'tap';
import { initialWatchState, watchReducer, type WatchEvent, type WatchState } from '../../src/app/watchMachine.js';
import { fail, pass } from '../../src/report/checkReport.js';

function run(events: WatchEvent[], from: WatchState = initialWatchState) {
  let state = from;
  const started: number[] = [];
  for (const event of events) {
    const next = watchReducer(state, event);
    state = next.state;
    started.push(...next.effects.map((e) => e.generation));
  }
  return { state, started };
}

const ok = (generation: number): WatchEvent => ({ type: 'checked', generation, ok: true, checks: [pass('compile', 'compiles', 'ok')] });
const broken = (generation: number): WatchEvent => ({ type: 'checked', generation, ok: false, checks: [fail('compile', 'compiles', 'no', { code: 'COMPILE_FAILED' })] });
const change: WatchEvent = { type: 'change', reason: 'clean.c saved' };

t.test('idle → compiling → attached, and a save from there compiles again', async (t) => {
  const first = run([change]);
  t.equal(first.state.status, 'compiling');
  t.same(first.started, [1]);
  const attached = run([change, ok(1)]);
  t.equal(attached.state.status, 'attached');
  t.equal(attached.state.checks[0]!.status, 'pass');
  const again = run([change, ok(1), change]);
  t.equal(again.state.status, 'compiling');
  t.same(again.started, [1, 2]);
});

t.test('a failed check is broken; fixing the file recovers', async (t) => {
  const { state, started } = run([change, broken(1), change, ok(2)]);
  t.equal(state.status, 'attached');
  t.same(started, [1, 2]);
  t.equal(run([change, broken(1)]).state.status, 'broken');
});

t.test('saves while compiling are queued into one more check, not one each', async (t) => {
  const during = run([change, change, change]);
  t.equal(during.state.status, 'compiling');
  t.ok(during.state.queued);
  t.same(during.started, [1]);
  const after = run([change, change, change, ok(1)]);
  t.equal(after.state.status, 'compiling', 'the result of generation 1 is stale: check again');
  t.same(after.started, [1, 2]);
  t.notOk(after.state.queued);
  t.equal(run([change, change, ok(1), broken(2)]).state.status, 'broken');
});

t.test('a result of another generation is ignored', async (t) => {
  const { state } = run([change, ok(7)]);
  t.equal(state.status, 'compiling');
  const done = run([change, ok(1), ok(1)]);
  t.equal(done.state.status, 'attached');
});

t.test('a problem outside the checks is kept for the view', async (t) => {
  const problem = { code: 'ENV_TRACEFS' as const, kind: 'environment' as const, message: 'no tracefs', hint: 'mount it', location: null, raw: null };
  const { state } = run([change, { type: 'checked', generation: 1, ok: false, checks: [], problem }]);
  t.equal(state.status, 'broken');
  t.same(state.problem, problem);
});
