// The lines of the learner's file around a diagnostic, numbered, the line itself marked.

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
  for (let n = from; n <= to; n++) out.push({ number: n, text: lines[n - 1]!.replace(/\t/g, '  '), target: n === line });
  return out;
}
