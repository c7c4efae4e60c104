// The solution view's lines: the whole file once the level is done, numbered, with what the
// level adds to the previous step marked `+` (and what it takes away, `-`, unnumbered).
import { diffLines } from 'diff';
import type { Segment } from './captureLines.js';
import { breakCode } from './markdown.js';

export interface SolutionLine {
  /** The line's number in the finished file (null for a line the level removes). */
  number: number | null;
  text: string;
  change: 'added' | 'removed' | 'same';
}

export function solutionLines(before: string, after: string): SolutionLine[] {
  const out: SolutionLine[] = [];
  let number = 0;
  for (const part of diffLines(before.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'))) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      const change = part.added ? 'added' : part.removed ? 'removed' : 'same';
      out.push({ number: change === 'removed' ? null : ++number, text: text.replace(/\t/g, '  '), change });
    }
  }
  return out;
}


/** The lines as screen rows of `width` columns, long lines continued on the next rows (broken between tokens). */
export function solutionRows(lines: SolutionLine[], width: number): Segment[][] {
  const numberWidth = String(lines.length).length;
  const room = Math.max(10, width - numberWidth - 3);
  return lines.flatMap((line) => {
    const mark = line.change === 'added' ? '+' : line.change === 'removed' ? '-' : ' ';
    const look: Segment = line.change === 'added' ? { text: '', tone: 'ok', bold: true } : line.change === 'removed' ? { text: '', tone: 'bad' } : { text: '', tone: 'code' };
    return breakCode(line.text, room).map((text, piece) => [
      { text: `${piece === 0 && line.number !== null ? String(line.number).padStart(numberWidth) : ' '.repeat(numberWidth)} `, tone: 'muted' as const },
      { ...look, text: `${mark}│ ` },
      { ...look, text },
    ]);
  });
}
