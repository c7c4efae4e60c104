// The tracker skips the lookup when an event belongs to the connection of the event before:
// that shortcut must never reach a connection that has ended.
import t from 'tap';
import { closeEvent as close, dataEvent as data, openEvent as open, trackExchanges as track } from '../helpers/captureEvents.js';

t.test('closed, then the same fd again: a new connection, nothing carried over', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(data(5, 'ingress', 'req-1'));
  tracker.add(close(5));
  tracker.add(data(5, 'egress', 'res-2'));
  tracker.add(open(5));
  tracker.add(data(5, 'ingress', 'req-3'));
  tracker.flush();
  t.same(exchanges.map((e) => [e.request.toString(), e.response.toString(), e.endedBy]), [
    ['req-1', '', 'close'],
    ['', 'res-2', 'close'],
    ['req-3', '', 'flush'],
  ]);
});

t.test('the last connection evicted (idle or over the limit) is not written to afterwards', async (t) => {
  let now = 0;
  const { tracker, exchanges } = track({ idleMs: 10, maxConnections: 1, now: () => now });
  tracker.add(data(1, 'ingress', 'a'));
  now = 20;
  tracker.evictIdle();
  tracker.add(data(1, 'egress', 'b'));
  tracker.add(data(2, 'ingress', 'c')); // over the limit: fd 1 goes
  tracker.add(data(1, 'egress', 'd'));
  tracker.flush();
  t.same(exchanges.map((e) => [e.fd, e.request.toString(), e.response.toString(), e.endedBy]), [
    [1, 'a', '', 'idle'],
    [1, '', 'b', 'idle'],
    [2, 'c', '', 'idle'],
    [1, '', 'd', 'flush'],
  ]);
  t.equal(tracker.size, 0);
});

t.test('same fd, another process: never the shortcut', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(data(5, 'ingress', 'mine', 7));
  tracker.add(data(5, 'ingress', 'theirs', 8));
  tracker.flush();
  t.same(exchanges.map((e) => [e.pid, e.request.toString()]).sort(), [[7, 'mine'], [8, 'theirs']]);
});
