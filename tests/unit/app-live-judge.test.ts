// The live judge's timing without a kernel: the checks are a function of the requests judged
// (here: pass when every request's port was "captured"), the clock is passed in.
import t from 'tap';
import { fail, pass } from '../../src/report/checkReport.js';
import { GRACE_MS, LiveJudge } from '../../src/app/session/liveJudge.js';
import type { SentRequest } from '../../src/app/trafficDriver.js';

const reply = (port: number, at: number): SentRequest => ({ size: 50, status: 200, localPort: port, startedAt: at, answeredAt: at + 5 });
const capturedPorts = new Set<number>();
const checks = (requests: SentRequest[]) =>
  requests.map((r) => (capturedPorts.has(r.localPort!) ? pass(`open:${r.localPort}`, 'open', 'seen') : fail(`open:${r.localPort}`, 'open', `no open event for port ${r.localPort}`, { code: 'LIVE_OPEN_MISSING' })));

t.test('a request answered and captured: the level passes at once', async (t) => {
  const judge = new LiveJudge();
  judge.restart(1000);
  capturedPorts.add(40001);
  judge.answered(reply(40001, 1100));
  t.same(judge.judge(checks, 2000), { passed: true, again: null });
  t.ok(judge.verdict.passed);
});

t.test('not captured: no failure told until the grace period is over, then the check that fails', async (t) => {
  const judge = new LiveJudge();
  judge.restart(1000);
  judge.answered(reply(40002, 1100));
  t.same(judge.judge(checks, 1200), { passed: false, again: GRACE_MS }, 'too early to say');
  t.same(judge.verdict.checks, []);
  t.same(judge.judge(checks, 1300), { passed: false, again: 250 }, 'not more often than every 250 ms');
  const late = judge.judge(checks, 1100 + 5 + GRACE_MS + 300);
  t.equal(late.passed, false);
  t.match(judge.verdict.checks[0]!.message, /no open event for port 40002/);
});

t.test('requests from before the attach are not judged; nothing new, nothing to do', async (t) => {
  const judge = new LiveJudge();
  judge.answered(reply(40003, 500));
  judge.restart(1000);
  t.same(judge.judge(checks, 5000), { passed: false, again: null });
  t.same(judge.judge(checks, 6000), { passed: false, again: null }, 'not dirty');
});

t.test('no checks at all is not a pass', async (t) => {
  const judge = new LiveJudge();
  judge.restart(1000);
  judge.answered(reply(40004, 1100));
  t.same(judge.judge(() => [], 1100 + 5 + GRACE_MS + 300), { passed: false, again: null });
});
