import t from 'tap';
import { ReorderBuffer } from '../../src/capture/reorderBuffer.js';
import type { CaptureEvent } from '../../src/capture/events.js';

const ev = (type: 'open' | 'close', timestampNs: number, fd = 4): CaptureEvent =>
  type === 'open' ? { type, timestampNs, pid: 1, fd, client: null } : { type, timestampNs, pid: 1, fd };

t.test('events leave in timestamp order once the cutoff passes them', async (t) => {
  const buffer = new ReorderBuffer();
  // The close output's ring was read before the open output's: arrival order is wrong.
  t.same(buffer.push([ev('close', 300)]), []);
  t.same(buffer.push([ev('open', 200)]), []);
  t.same(buffer.release(190), [], 'both still after the cutoff');
  t.same(buffer.release(305).map((e) => e.type), ['open', 'close']);
  t.equal(buffer.size, 0);
});

t.test('a later event waits while an earlier one is released', async (t) => {
  const buffer = new ReorderBuffer();
  buffer.push([ev('open', 100), ev('close', 500)]);
  t.same(buffer.release(150).map((e) => e.timestampNs), [100]);
  t.same(buffer.drain().map((e) => e.timestampNs), [500]);
});

t.test('events without a timestamp pass straight through', async (t) => {
  const buffer = new ReorderBuffer();
  const untimed = buffer.push([ev('open', 0), ev('close', 50)]);
  t.same(untimed.map((e) => e.type), ['open']);
  t.equal(buffer.size, 1);
});
