// The lines of the learner's file around a diagnostic, numbered, the line itself marked. The
// learner's bytes are shown, never obeyed: an escape in a comment appears as `\x1b`.
import { terminalSafe } from '../util/terminalText.js';

export interface ExcerptLine {
  number: number;
  text: string;
  target: boolean;
}

export function codeExcerpt(source: string, line: number, context = 2): ExcerptLine[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  if (line < 1 || line > lines.length) return [];
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + context);
  const out: ExcerptLine[] = [];
  for (let n = from; n <= to; n++) out.push({ number: n, text: terminalSafe(lines[n - 1]!.replace(/\t/g, '  ')), target: n === line });
  return out;
}
