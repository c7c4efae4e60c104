// Why the learner's file is not attached, as lines for the screen: the first failure at
// file:line with the code around it and its hint, then the other failures. Every message
// wraps; none is cut. When rows are short the code shrinks first (fewer lines around the
// one at fault, then none), then the other failures are counted instead of listed.
import type { CheckResult } from '../report/checkReport.js';
import type { Problem } from '../errors/problem.js';
import { formatLocation } from '../errors/workshopError.js';
import type { Segment } from './captureLines.js';
import { codeExcerpt } from './codeExcerpt.js';
import { breakCode, wrapPieces } from './markdown.js';

export interface DiagnosticInput {
  checks: CheckResult[];
  problem: Problem | null;
  /** The file's text as it was checked. */
  source: string;
}

function where(location: CheckResult['location'] | Problem['location']): string {
  if (!location) return '';
  return `${formatLocation(location)}  `;
}

const wrap = (segments: Segment[], width: number, indent: string) => wrapPieces(segments, width, { text: indent });

function headline(input: DiagnosticInput) {
  const first = input.checks.find((c) => c.status === 'fail');
  if (first) return { where: where(first.location), message: first.message, hint: first.hint, location: first.location };
  if (input.problem) return { where: where(input.problem.location), message: input.problem.message, hint: input.problem.hint, location: input.problem.location };
  return null;
}

/** The code around the line at fault, `context` lines either side; long lines broken between tokens. */
function excerptLines(source: string, line: number, column: number | null, context: number, width: number): Segment[][] {
  const excerpt = codeExcerpt(source, line, context);
  const numberWidth = String(excerpt.at(-1)?.number ?? 0).length;
  const out: Segment[][] = [];
  for (const l of excerpt) {
    const prefix = `${l.target ? '▶' : ' '} ${String(l.number).padStart(numberWidth)} │ `;
    const pieces = breakCode(l.text, Math.max(10, width - prefix.length));
    pieces.forEach((piece, i) => {
      const lead = i === 0 ? prefix : `  ${' '.repeat(numberWidth)} │ `;
      out.push([{ text: `${lead}${piece}`, tone: l.target ? undefined : 'muted', bold: l.target }]);
      if (l.target && column && i === 0 && column <= piece.length + 1) {
        out.push([{ text: `  ${' '.repeat(numberWidth)} │ ${' '.repeat(Math.max(0, column - 1))}^`, tone: 'bad' }]);
      }
    });
  }
  return out;
}

export interface DiagnosticLayout {
  lines: Segment[][];
  /** Rows needed for the message and its hint, whole. */
  essential: number;
  /** Rows for everything: the code around it and every other failure. */
  wanted: number;
}

/** The diagnostics laid out in `width` columns and at most `height` rows (never fewer than the essential ones). */
export function diagnosticLines(input: DiagnosticInput, width: number, height = Infinity): DiagnosticLayout {
  const head = headline(input);
  if (!head) return { lines: [[{ text: 'nothing to report', tone: 'muted' }]], essential: 1, wanted: 1 };
  const message = wrap([{ text: `✗ ${head.where}`, tone: 'bad', bold: true }, { text: head.message }], width, '  ');
  const hint = head.hint ? wrap([{ text: `  hint: ${head.hint}`, tone: 'info' }], width, '        ') : [];
  const others = input.checks
    .filter((c) => c.status === 'fail')
    .slice(1)
    .map((c) => wrap([{ text: '✗ ', tone: 'bad' }, { text: where(c.location), tone: 'muted' }, { text: c.message }], width, '  '));
  const column = head.location && 'column' in head.location ? (head.location.column ?? null) : null;
  const excerpt = (context: number) => (head.location ? excerptLines(input.source, head.location.line, column, context, width) : []);
  const essential = message.length + hint.length;
  const all = others.reduce((n, o) => n + o.length, 0);
  let code = excerpt(2);
  const wanted = essential + code.length + all;

  for (let context = 1; context >= 0 && essential + code.length > height; context--) code = excerpt(context);
  if (essential + code.length > height) code = [];
  const lines = [...message, ...code, ...hint];
  let room = height - lines.length;
  const shownOthers: Segment[][] = [];
  let listed = 0;
  for (const other of others) {
    const needsMore = listed < others.length - 1 ? 1 : 0; // a line to count the rest
    if (other.length + needsMore > room) break;
    shownOthers.push(...other);
    room -= other.length;
    listed++;
  }
  lines.push(...shownOthers);
  if (listed < others.length && room > 0) lines.push([{ text: `  … and ${others.length - listed} more`, tone: 'muted' }]);
  return { lines, essential, wanted };
}
