// A failed live check's hint comes from the level when its track words one (liveHints in
// track.json): the TLS track names its own hooks, not the HTTP track's read_args.
import t from 'tap';
import { evaluate } from '../../src/pipeline/judge.js';
import { levelOf, loadTrack } from '../../src/tracks/tracks.js';

const nothing = { attach: true, open: false, ingress: true, egress: true, close: false, exchange: false };

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
