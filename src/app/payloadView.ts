// Captured bytes laid out for the screen: the visible glyphs (capture/visibleBytes.ts) in
// lines no wider than the view, escapes muted, the first differing byte marked.
import { glyphs } from '../capture/visibleBytes.js';
import type { Segment } from './captureLines.js';

/**
 * The bytes as lines of segments no wider than `width`: lines end where the payload's do,
 * long ones wrap. `mark` is a byte offset to mark (the first difference); an offset at the
 * very end marks the end itself (`∎`: this side stops here).
 */
export function payloadLines(bytes: Uint8Array, width: number, mark = -1): Segment[][] {
  const w = Math.max(4, width);
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let used = 0;
  const add = (segment: Segment) => {
    if (used + segment.text.length > w && used > 0) {
      lines.push(line);
      line = [];
      used = 0;
    }
    const last = line.at(-1);
    if (last && last.tone === segment.tone && !last.inverse && !segment.inverse && last.bold === segment.bold) last.text += segment.text;
    else line.push({ ...segment });
    used += segment.text.length;
  };
  for (const g of glyphs(bytes)) {
    if (g.offset === mark) add({ text: g.text, tone: 'bad', bold: true, inverse: true });
    else add(g.escape ? { text: g.text, tone: 'muted' } : { text: g.text });
    if (g.lineEnd) {
      lines.push(line);
      line = [];
      used = 0;
    }
  }
  if (mark === bytes.length) add({ text: '∎', tone: 'bad', bold: true, inverse: true });
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}
