// The batch helpers of the capture's hot path: kept events copied together, runs at a time.
import t from 'tap';
import { compactEvents } from '../../src/capture/decoder.js';

/** A batch of events of different sizes, event i filled with the byte i + 1. */
function batch(sizes: number[]) {
  const offsets = new Uint32Array(sizes.length + 1);
  sizes.forEach((size, i) => (offsets[i + 1] = offsets[i]! + size));
  const bytes = Buffer.alloc(offsets[sizes.length]!);
  sizes.forEach((_, i) => bytes.fill(i + 1, offsets[i], offsets[i + 1]));
  return { bytes, offsets };
}

t.test('compactEvents keeps exactly the chosen events, in order, with offsets to match', async (t) => {
  const { bytes, offsets } = batch([3, 5, 2, 4, 1, 6]);
  const { source, starts } = compactEvents(bytes, offsets, [0, 2, 3, 5]);
  t.same([...starts], [0, 3, 5, 9, 15]);
  t.same([...source], [1, 1, 1, 3, 3, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6]);
  t.not(source.buffer, bytes.buffer, 'a Buffer of its own: the batch is not kept alive');
});

t.test('compactEvents: one event, none, and all of them', async (t) => {
  const { bytes, offsets } = batch([2, 3]);
  t.same([...compactEvents(bytes, offsets, [1]).source], [2, 2, 2]);
  const none = compactEvents(bytes, offsets, []);
  t.equal(none.source.length, 0);
  t.same([...none.starts], [0]);
  t.same([...compactEvents(bytes, offsets, [0, 1]).source], [1, 1, 2, 2, 2]);
});
