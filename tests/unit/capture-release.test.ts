// Must show: a JavaScript thread held up (a loaded machine, a long GC) does not make the
// capture put a connection's close before its data. The late tick of the release timer comes
// before the batches the pollers read meanwhile; releasing by the fixed window then would
// let the close out alone (check's "2 of 3 requests came out as a complete exchange").
import t from 'tap';
import { Capture } from '../../src/capture/capture.js';
import type { CaptureEvent } from '../../src/capture/events.js';
import { monotonicNowNs } from '../../src/capture/reorderBuffer.js';
import type { Sniffer } from '../../src/sniffer/sniffer.js';
import { waitUntil } from '../helpers/waitUntil.js';

type OnEvents = (events: CaptureEvent[], lost: number, completeNs: number) => void;

/** A sniffer whose batches the test hands in itself: deliver(events, lost, completeNs). */
function fakeSniffer(): { sniffer: Sniffer; deliver: OnEvents } {
  let onEvents: OnEvents = () => {};
  const sniffer = {
    capture(callback: OnEvents) {
      onEvents = callback;
      return { decodeErrors: 0, filtered: 0, outputs: [] };
    },
  } as unknown as Sniffer;
  return { sniffer, deliver: (...args) => onEvents(...args) };
}

function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

t.test('events read while the thread was held up still leave in order', async (t) => {
  const { sniffer, deliver } = fakeSniffer();
  const capture = new Capture(sniffer, { events: {} as never, onlyPid: null });
  t.teardown(() => capture.finish());
  const order: string[] = [];
  capture.on('events', (events) => order.push(...events.map((e) => e.type)));
  await new Promise((resolve) => setTimeout(resolve, 60)); // the timer ticks on time

  const stamp = monotonicNowNs();
  // The close output's rings were drained up to just before its close; the data output's
  // batch, stamped earlier, is read but still queued behind the timer.
  deliver([{ type: 'close', timestampNs: stamp, pid: 7, fd: 4 }], 0, stamp - 1e9);
  stall(300);
  await new Promise((resolve) => setTimeout(resolve, 0)); // the late tick runs first
  const payload = Buffer.from('HTTP/1.1 200 OK\r\n\r\n');
  deliver([{ type: 'data', direction: 'egress', timestampNs: stamp - 1000, pid: 7, fd: 4, size: payload.length, payload }], 0, monotonicNowNs());
  t.same(order, ['data', 'close'], 'the data first, then the close');
});

t.test('a capture that pairs no exchanges still delivers every event, and tracks no connection', async (t) => {
  for (const exchanges of [true, false]) {
    const { sniffer, deliver } = fakeSniffer();
    const capture = new Capture(sniffer, { events: {} as never, onlyPid: null, exchanges });
    const seen: string[] = [];
    const paired: string[] = [];
    capture.on('events', (events) => seen.push(...events.map((e) => e.type)));
    capture.on('exchange', (x) => paired.push(x.request.toString()));
    const stamp = monotonicNowNs();
    const request = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    deliver([
      { type: 'open', timestampNs: stamp - 3000, pid: 7, fd: 4, client: { address: '127.0.0.1', port: 5000 } } as CaptureEvent,
      { type: 'data', direction: 'ingress', timestampNs: stamp - 2000, pid: 7, fd: 4, size: request.length, payload: request },
    ], 0, stamp);
    await waitUntil(() => seen.length === 2, 2000); // released once the reorder window has passed
    t.equal(capture.openConnections, exchanges ? 1 : 0, `exchanges ${exchanges}: ${capture.openConnections} connection tracked`);
    const counts = capture.finish();
    t.same(seen, ['open', 'data'], `exchanges ${exchanges}: every event delivered`);
    t.same(paired, exchanges ? ['GET / HTTP/1.1\r\n\r\n'] : [], `exchanges ${exchanges}: ${paired.length} exchange`);
    t.equal(counts.exchanges, paired.length);
  }
});
