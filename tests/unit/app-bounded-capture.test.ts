// What the app keeps of a busy capture is bounded and its own: payloads are copies (not views
// of the perf batch they were decoded from), connections and data events beyond the bounds
// are counted, not silently gone; and the screen's store stretches its publishing interval
// while changes keep coming, yet publishes a change after a quiet spell at once.
import t from 'tap';
import { diffCaptures } from '../../src/app/captureDiff.js';
import { timelineLines } from '../../src/app/captureLines.js';
import { rule } from '../../src/app/components/CaptureColumns.js';
import { ConnectionLog } from '../../src/app/connectionLog.js';
import { ThrottledStore } from '../../src/app/store.js';
import { keptEvent, type CaptureEvent, type DataEvent } from '../../src/capture/events.js';
import { keptExchange } from '../../src/capture/connectionTracker.js';

const batch = Buffer.alloc(1 << 20, 0x41); // a perf batch: the payloads below are views of it
const payload = (at: number) => batch.subarray(at, at + 16);
const data = (fd: number, at: number): DataEvent => ({ type: 'data', pid: 7, fd, timestampNs: at + 1, direction: 'ingress', size: 16, payload: payload(at) });

t.test('kept payloads are copies, not views of the batch', async (t) => {
  const log = new ConnectionLog();
  log.add([data(3, 0)]);
  const kept = log.connections[0]!.data[0]!.payload;
  t.equal(kept.toString(), 'A'.repeat(16));
  t.not(kept.buffer, batch.buffer, 'its own memory');
  t.ok(kept.buffer.byteLength < batch.length, `it holds ${kept.buffer.byteLength} bytes alive, not the batch's ${batch.length}`);
  batch.fill(0x42, 0, 16);
  t.equal(kept.toString(), 'A'.repeat(16), 'later changes to the batch do not reach it');
  batch.fill(0x41, 0, 16);

  const event = keptEvent(data(3, 32));
  t.not(event.payload.buffer, batch.buffer);
  const open: CaptureEvent = { type: 'open', pid: 7, fd: 3, timestampNs: 1, client: null };
  t.equal(keptEvent(open), open, 'events without payload pass as they are');
  const exchange = keptExchange({ pid: 7, fd: 3, client: null, request: payload(64), response: payload(128), truncated: false, endedBy: 'close' });
  t.not(exchange.request.buffer, batch.buffer);
  t.not(exchange.response.buffer, batch.buffer);
  t.equal(exchange.request.toString(), 'A'.repeat(16));
});

t.test('beyond its bounds the log counts what it did not keep', async (t) => {
  const log = new ConnectionLog({ maxConnections: 3, maxDataPerConnection: 2 });
  // A keep-alive connection with 5 data events: 2 kept, 3 counted.
  log.add([0, 1, 2, 3, 4].map((i) => data(3, i * 16)));
  t.equal(log.connections[0]!.data.length, 2);
  t.equal(log.connections[0]!.dataNotKept, 3);
  // Five more connections: the three newest are kept, three older ones counted.
  log.add([4, 5, 6, 7, 8].map((fd) => data(fd, 0)));
  t.same(log.connections.map((c) => c.fd), [6, 7, 8]);
  t.equal(log.connectionsNotKept, 3);
  log.clear();
  t.equal(log.connectionsNotKept, 0, 'a new capture starts counting again');
});

t.test('the store publishes a lone change at once and spaces a stream of them', async (t) => {
  let clock = 1_000_000;
  let built = 0;
  const store = new ThrottledStore(() => ++built, { intervalMs: 5, busyIntervalMs: 10_000, busyAfter: 2, now: () => clock });
  let published = 0;
  store.subscribe(() => published++);
  store.changed();
  t.equal(published, 1, 'a first change shows at once');
  // Changes faster than the interval: each waits for it; after busyAfter of those, the store is busy.
  for (let i = 0; i < 2; i++) {
    store.changed();
    t.equal(published, 1 + i, 'a change within the interval waits');
    clock += 5;
    await new Promise((resolve) => setTimeout(resolve, 20));
    t.equal(published, 2 + i, 'and is published when the interval is over');
  }
  t.ok(store.busy, 'changes kept coming: the store is busy');
  clock += 5;
  store.changed();
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.equal(published, 3, 'busy, a change waits for the longer interval');
  store.stop();
  clock += 20_000; // a quiet spell
  store.changed();
  t.equal(published, 4, 'after a quiet spell a change shows at once again');
  t.notOk(store.busy);
  store.stop();
});

t.test('the screen says what was not kept', async (t) => {
  const learner = new ConnectionLog({ maxConnections: 1, maxDataPerConnection: 1 });
  const expected = new ConnectionLog({ maxConnections: 1, maxDataPerConnection: 1 });
  for (const log of [learner, expected]) log.add([data(3, 0), data(3, 16), data(3, 32), data(4, 0)]);
  const rows = diffCaptures(learner.connections, expected.connections, { now: Date.now() });
  t.same(rows.map((r) => r.learner?.fd), [4]);
  learner.add([data(4, 48), data(4, 64)]);
  expected.add([data(4, 48)]);
  const lines = timelineLines(diffCaptures(learner.connections, expected.connections, { now: Date.now() }), 56);
  const notKept = lines.find((l) => l.key.endsWith(':not-kept'));
  t.match(notKept?.left.map((s) => s.text).join(''), /… 2 more data events not kept/);
  t.match(notKept?.right.map((s) => s.text).join(''), /… 1 more data event not kept/);
  t.equal(learner.connectionsNotKept, 1);
  t.match(rule(56, learner.connectionsNotKept), /^── 1 older connection not kept ─+$/);
  t.equal(rule(56, learner.connectionsNotKept).length, 56, 'the rule keeps its width');
  t.equal(rule(12, 1234).length, 12, 'too narrow to say it: a plain rule');
  t.match(rule(24, 1234), /1234 older not kept/);
});
