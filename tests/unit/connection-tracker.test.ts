import t from 'tap';
import { closeEvent as close, dataEvent as data, openEvent, trackExchanges as track } from '../helpers/captureEvents.js';

const client = { family: 'ipv4' as const, address: '127.0.0.1', port: 40000 };
const open = (fd: number, pid = 7) => openEvent(fd, pid, client);

t.test('open, request, response, close make one exchange with the client', async (t) => {
  const { tracker, exchanges } = track();
  for (const e of [open(5), data(5, 'ingress', 'POST /x'), data(5, 'egress', 'HTTP/1.1 200'), close(5)]) tracker.add(e);
  t.equal(exchanges.length, 1);
  t.same(exchanges[0]!.client, client);
  t.equal(exchanges[0]!.request.toString(), 'POST /x');
  t.equal(exchanges[0]!.response.toString(), 'HTTP/1.1 200');
  t.equal(exchanges[0]!.endedBy, 'close');
  t.equal(tracker.size, 0);
});

t.test('keep-alive: each request pairs with its own response', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(open(5));
  tracker.add(data(5, 'ingress', 'req-1'));
  tracker.add(data(5, 'egress', 'res-1'));
  tracker.add(data(5, 'ingress', 'req-2'));
  tracker.add(data(5, 'egress', 'res-2'));
  tracker.add(close(5));
  t.same(exchanges.map((e) => [e.request.toString(), e.response.toString(), e.endedBy]), [
    ['req-1', 'res-1', 'next-request'],
    ['req-2', 'res-2', 'close'],
  ]);
});

t.test('interleaved connections and processes stay apart', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(open(5));
  tracker.add(open(5, 8));
  tracker.add(data(5, 'ingress', 'a-req'));
  tracker.add(data(5, 'ingress', 'b-req', 8));
  tracker.add(data(5, 'egress', 'b-res', 8));
  tracker.add(data(5, 'egress', 'a-res'));
  tracker.add(close(5, 8));
  tracker.add(close(5));
  t.same(exchanges.map((e) => [e.pid, e.request.toString(), e.response.toString()]), [
    [8, 'b-req', 'b-res'],
    [7, 'a-req', 'a-res'],
  ]);
});

t.test('payloads are capped and marked truncated', async (t) => {
  const { tracker, exchanges } = track({ maxPayloadBytes: 8 });
  tracker.add(data(5, 'ingress', '12345'));
  tracker.add(data(5, 'ingress', '67890'));
  tracker.add(close(5));
  t.equal(exchanges[0]!.request.toString(), '12345678');
  t.equal(exchanges[0]!.truncated, true);
  t.equal(exchanges[0]!.client, null, 'no open seen: no client');
});

t.test('idle connections are evicted, oldest first, and the limit holds', async (t) => {
  let now = 0;
  const { tracker, exchanges } = track({ idleMs: 100, maxConnections: 2, now: () => now });
  tracker.add(data(1, 'ingress', 'one'));
  now = 50;
  tracker.add(data(2, 'ingress', 'two'));
  now = 120;
  tracker.evictIdle();
  t.same(exchanges.map((e) => [e.fd, e.endedBy]), [[1, 'idle']]);
  tracker.add(data(3, 'ingress', 'three'));
  tracker.add(data(4, 'ingress', 'four'));
  t.equal(tracker.size, 2, 'never more than maxConnections');
  t.same(exchanges.map((e) => e.fd), [1, 2]);
  tracker.flush();
  t.equal(tracker.size, 0);
  t.same(exchanges.map((e) => e.fd), [1, 2, 3, 4]);
});

t.test('an open and a close without data emit nothing', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(open(9));
  tracker.add(close(9));
  t.equal(exchanges.length, 0);
});

t.test('a dropped event leaves one exchange incomplete instead of mispairing the next', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(open(5));
  tracker.add(data(5, 'ingress', 'POST /a HTTP/1.1\r\n'));
  // its response was lost
  tracker.add(data(5, 'ingress', 'POST /b HTTP/1.1\r\n'));
  tracker.add(data(5, 'egress', 'HTTP/1.1 200 b'));
  // the next request was lost
  tracker.add(data(5, 'egress', 'HTTP/1.1 200 c'));
  tracker.add(close(5));
  t.same(exchanges.map((e) => [e.request.toString(), e.response.toString(), e.endedBy]), [
    ['POST /a HTTP/1.1\r\n', '', 'next-request'],
    ['POST /b HTTP/1.1\r\n', 'HTTP/1.1 200 b', 'next-response'],
    ['', 'HTTP/1.1 200 c', 'close'],
  ]);
});

t.test('continuation chunks of one message stay together', async (t) => {
  const { tracker, exchanges } = track();
  tracker.add(data(5, 'ingress', 'POST /a HTTP/1.1\r\n'));
  tracker.add(data(5, 'ingress', '{"size": 5}'));
  tracker.add(data(5, 'egress', 'HTTP/1.1 200 OK\r\n'));
  tracker.add(data(5, 'egress', '{"answer": "abcde"}'));
  tracker.add(close(5));
  t.equal(exchanges.length, 1);
  t.equal(exchanges[0]!.request.toString(), 'POST /a HTTP/1.1\r\n{"size": 5}');
});
