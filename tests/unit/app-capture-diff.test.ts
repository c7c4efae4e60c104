import t from 'tap';
import type { CaptureEvent } from '../../src/capture/events.js';
import { ConnectionLog } from '../../src/app/connectionLog.js';
import { diffCaptures, isDifference } from '../../src/app/captureDiff.js';

const PID = 42;
const REQUEST = 'POST /customResponse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n{"size": 50}';
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n' + 'x'.repeat(50);

const open = (fd: number, port: number, ns: number, address = '127.0.0.1'): CaptureEvent => ({
  type: 'open', timestampNs: ns, pid: PID, fd, client: { family: 'ipv4', address, port },
});
const data = (fd: number, direction: 'ingress' | 'egress', text: string, ns: number, keep = text.length): CaptureEvent => ({
  type: 'data', timestampNs: ns, pid: PID, fd, direction, size: text.length, payload: Buffer.from(text.slice(0, keep)),
});
const close = (fd: number, ns: number): CaptureEvent => ({ type: 'close', timestampNs: ns, pid: PID, fd });

/** One whole connection of the demo server, as solution.c reports it. */
const connection = (fd: number, port: number, t0: number): CaptureEvent[] => [
  open(fd, port, t0),
  data(fd, 'ingress', REQUEST, t0 + 10),
  data(fd, 'egress', RESPONSE, t0 + 20),
  close(fd, t0 + 30),
];

function logs(learner: CaptureEvent[], expected: CaptureEvent[], at = 0) {
  const l = new ConnectionLog();
  const e = new ConnectionLog();
  l.add(learner, at);
  e.add(expected, at);
  return { l: l.connections, e: e.connections };
}

t.test('the same capture on both sides: every cell ok, one row per connection', async (t) => {
  const events = [...connection(5, 40001, 1000), ...connection(5, 40002, 2000)];
  const { l, e } = logs(events, events);
  const rows = diffCaptures(l, e, { now: 10_000 });
  t.equal(rows.length, 2, 'the reused fd 5 is two connections');
  for (const row of rows) {
    t.same(row.cells.map((c) => [c.kind, c.learner.status]), [['open', 'ok'], ['data', 'ok'], ['data', 'ok'], ['close', 'ok']]);
    t.same(row.stages, { open: 'ok', request: 'ok', response: 'ok', close: 'ok' });
  }
});

t.test('a missing close is missing once the grace period is over, waiting before', async (t) => {
  const expected = connection(5, 40001, 1000);
  const { l, e } = logs(expected.slice(0, 3), expected, 0);
  t.equal(diffCaptures(l, e, { now: 100, graceMs: 800 })[0]!.stages.close, 'waiting');
  const late = diffCaptures(l, e, { now: 5000, graceMs: 800 })[0]!;
  t.equal(late.stages.close, 'missing');
  t.equal(late.cells.at(-1)!.learner.event, null);
  t.ok(isDifference('missing'));
  t.notOk(isDifference('waiting'));
});

t.test('a missing open: the data still pairs by fd and kernel time', async (t) => {
  const expected = connection(7, 40001, 1000);
  const { l, e } = logs(expected.slice(1), expected);
  const rows = diffCaptures(l, e, { now: 5000 });
  t.equal(rows.length, 1, 'one row, not a learner-only and an expected-only one');
  t.same(rows[0]!.stages, { open: 'missing', request: 'ok', response: 'ok', close: 'ok' });
});

t.test('swapped directions are flagged as such, not as missing', async (t) => {
  const expected = connection(5, 40001, 1000);
  const learner = [open(5, 40001, 1000), data(5, 'egress', REQUEST, 1010), data(5, 'ingress', RESPONSE, 1020), close(5, 1030)];
  const { l, e } = logs(learner, expected);
  const row = diffCaptures(l, e, { now: 5000 })[0]!;
  t.equal(row.stages.request, 'wrong-direction');
  t.equal(row.stages.response, 'wrong-direction');
});

t.test('a payload cut shorter than the expected one is truncated', async (t) => {
  const expected = connection(5, 40001, 1000);
  const learner = [open(5, 40001, 1000), data(5, 'ingress', REQUEST, 1010, 20), data(5, 'egress', RESPONSE, 1020), close(5, 1030)];
  const { l, e } = logs(learner, expected);
  t.equal(diffCaptures(l, e, { now: 5000 })[0]!.stages.request, 'truncated');
});

t.test('an open without the client\'s address is flagged', async (t) => {
  const expected = connection(5, 40001, 1000);
  const learner = [open(5, 0, 1000, '0.0.0.0'), ...expected.slice(1)];
  learner[0] = { ...learner[0]!, client: { family: 'unknown', address: '', port: 0 } } as CaptureEvent;
  const { l, e } = logs(learner, expected);
  const rows = diffCaptures(l, e, { now: 5000 });
  t.equal(rows.length, 1);
  t.equal(rows[0]!.stages.open, 'wrong-address');
});

t.test('what only the learner captured stays on its side, marked extra', async (t) => {
  const expected = connection(5, 40001, 1000);
  const learner = [...expected.slice(0, 3), data(5, 'ingress', 'GET /favicon.ico HTTP/1.1', 1025), close(5, 1030)];
  const { l, e } = logs(learner, expected);
  const row = diffCaptures(l, e, { now: 5000 })[0]!;
  const extra = row.cells.filter((c) => c.learner.status === 'extra');
  t.equal(extra.length, 1);
  t.equal(extra[0]!.expected, null);
});

t.test('the log keeps only the most recent connections', async (t) => {
  const log = new ConnectionLog({ maxConnections: 3 });
  for (let i = 0; i < 10; i++) log.add(connection(5, 40000 + i, i * 100));
  t.same(log.connections.map((c) => c.client?.port), [40007, 40008, 40009]);
});
