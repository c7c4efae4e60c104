// Captured bytes as people can read them, whole: printable ASCII as it is, CRLF as a line
// end (⏎), a lone LF as ␊, any other control or non-ASCII byte as an escape (\t, \0, \x1b),
// so nothing invisible can hide a difference and no byte reaches the terminal raw (see
// util/terminalText.ts). `run` and the app both show payloads this way.
import { visibleCode } from '../util/terminalText.js';

/** One visible character (or escape) and the byte offset it stands for. */
export interface Glyph {
  text: string;
  offset: number;
  escape: boolean;
  /** The line ends after it (CRLF or a lone LF). */
  lineEnd: boolean;
}

const ESCAPES: Record<number, string> = { 0: '\\0', 9: '\\t', 11: '\\v', 12: '\\f', 92: '\\\\' };

export function glyphs(bytes: Uint8Array): Glyph[] {
  const out: Glyph[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 13 && bytes[i + 1] === 10) {
      out.push({ text: '⏎', offset: i, escape: true, lineEnd: true });
      i++;
    } else if (b === 10) out.push({ text: '␊', offset: i, escape: true, lineEnd: true });
    else if (b === 13) out.push({ text: '␍', offset: i, escape: true, lineEnd: false });
    else if (ESCAPES[b]) out.push({ text: ESCAPES[b]!, offset: i, escape: b !== 92, lineEnd: false });
    else if (b < 32 || b >= 127) out.push({ text: visibleCode(String.fromCharCode(b)), offset: i, escape: true, lineEnd: false });
    else out.push({ text: String.fromCharCode(b), offset: i, escape: false, lineEnd: false });
  }
  return out;
}

/** The bytes as lines of text, whole, each line ending in its visible line end. */
export function visibleLines(bytes: Uint8Array): string[] {
  const lines: string[] = [''];
  for (const g of glyphs(bytes)) {
    lines[lines.length - 1] += g.text;
    if (g.lineEnd) lines.push('');
  }
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** The offset of the first byte that differs, the shorter one's length if one is a prefix of the other, or -1 when equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Where a byte offset falls in the visible text, as people count: line and column from 1. */
export function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (const g of glyphs(bytes.subarray(0, offset))) {
    if (g.lineEnd) {
      line++;
      column = 1;
    } else column += g.text.length;
  }
  return { line, column };
}
