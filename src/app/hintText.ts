// The hints revealed so far for the level, as lines: a nudge, then the idea, then the code.
import { breakCode, inlineSpans, lineText, wrapSpans } from './markdown.js';

export interface HintLine {
  text: string;
  kind: 'prose' | 'code' | 'note';
}

/** The revealed hints as lines no wider than `width`; code lines as written, broken between tokens if too long. */
export function hintLines(hints: string[], shown: number, width: number): HintLine[] {
  const w = Math.max(10, width);
  const lines: HintLine[] = [];
  const prose = (text: string) => {
    for (const line of wrapSpans(inlineSpans(text.replace(/`/g, '')), w, '  ')) lines.push({ text: lineText(line), kind: 'prose' });
  };
  hints.slice(0, shown).forEach((hint, i) => {
    if (i > 0) lines.push({ text: '', kind: 'prose' });
    const [first, ...code] = hint.split('\n');
    prose(`Hint ${i + 1} of ${hints.length}: ${first}`);
    for (const line of code) for (const piece of breakCode(`  ${line}`, w)) lines.push({ text: piece, kind: 'code' });
  });
  lines.push({ text: '', kind: 'note' });
  lines.push({
    text: shown < hints.length ? `h: the next hint (${hints.length - shown} more)` : 'That is every hint. s shows the whole solution of this level.',
    kind: 'note',
  });
  return lines;
}
