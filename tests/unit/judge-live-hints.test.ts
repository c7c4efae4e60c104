// A failed live check's hint comes from the level when its track words one (liveHints in
// track.json): the TLS track names its own hooks, not the HTTP track's read_args.
import t from 'tap';
import { evaluate } from '../../src/pipeline/judge.js';
import { levelOf, loadTrack } from '../../src/tracks/tracks.js';

const nothing = { attach: true, open: false, ingress: true, egress: true, close: false, exchange: false, onlyTarget: false };

t.test('without liveHints, the HTTP wording', async (t) => {
  const [check] = evaluate(nothing, [], [], [], [10]);
  t.equal(check?.code, 'LIVE_NO_EVENTS');
  t.match(check?.hint, /perf_submit/);
});

t.test("the TLS track's levels word their own live hints", async (t) => {
  const tls = loadTrack('tls');
  const [check] = evaluate(nothing, [], [], [], [10], levelOf(tls, 2).liveHints);
  t.match(check?.hint, /data_events\.perf_submit/, 'names the TLS output');
  t.equal(levelOf(tls, 2).liveHints.LIVE_REQUEST_MISSING?.includes('probe_ret_ssl_read'), true, 'SSL_read at level 2');
  t.match(levelOf(tls, 3).liveHints.LIVE_RESPONSE_MISSING, /SSL_write_ex/, '_ex at level 3');
  for (const level of tls.levels) t.notMatch(JSON.stringify(level.liveHints), /\(ctx, id, k\w+, (read|write)_args\)|syscall/, `level ${level.id} names no HTTP-track call`);
});

t.test('a level that asks for a pid filter fails on events the capture left out, and passes on none', async (t) => {
  const onlyTarget = { ...nothing, ingress: false, egress: false, onlyTarget: true };
  const event = { type: 'close', pid: 7, fd: 4, timestampNs: 1 } as const;
  const [leaked] = evaluate(onlyTarget, [event], [], [], [10], {}, 6);
  t.equal(leaked?.id, 'live:only-target');
  t.equal(leaked?.status, 'fail');
  t.equal(leaked?.code, 'LIVE_OTHER_PROCESSES');
  t.match(leaked?.message, /^6 events came from other processes/);
  const tls = loadTrack('tls');
  const [worded] = evaluate(onlyTarget, [event], [], [], [10], levelOf(tls, 4).liveHints, 6);
  t.match(worded?.hint, /is_traced\(id\)/, "the TLS track's own wording");
  const [clean] = evaluate(onlyTarget, [event], [], [], [10], {}, 0);
  t.equal(clean?.status, 'pass');
  t.same(evaluate(nothing, [event], [], [], [10], {}, 6).map((c) => c.id), ['live:ingress', 'live:egress'], 'not judged where the level does not ask');
});

t.test("the TLS track's pid filter level brings a second client", async (t) => {
  const level = levelOf(loadTrack('tls'), 4);
  t.equal(level.spec.expectedEvents.onlyTarget, true);
  t.equal(level.target?.request, 'tutorial-post-and-libssl-client');
});
