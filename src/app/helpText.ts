// The help overlay's text: every key of the table with what it does, then what the
// columns' marks mean; wrapped to the width.
import type { Segment } from './captureLines.js';
import type { KeyBinding } from './keys.js';
import { wrapPieces } from './markdown.js';

const COLUMNS =
  'Your sniffer: what your program captured. Expected: what the reference solution, attached at the same level, captured from the ' +
  'same requests. ✗ a missing event, ⇄ the wrong direction, ✂ a payload cut short, … still on its way. Enter opens a row: the bytes, whole.';

export function helpLines(table: KeyBinding[], width: number): Segment[][] {
  const keys = table.filter((b) => b.help);
  const keyWidth = Math.max(...keys.map((b) => b.key.length)) + 2;
  const lines: Segment[][] = [[{ text: 'Keys', tone: 'info', bold: true }]];
  for (const binding of keys) {
    lines.push(...wrapPieces([{ text: binding.key.padEnd(keyWidth), bold: true }, { text: binding.help }], width, { text: ' '.repeat(keyWidth) }));
  }
  lines.push([], [{ text: 'The columns', tone: 'info', bold: true }]);
  lines.push(...wrapPieces([{ text: COLUMNS }], width));
  return lines;
}
