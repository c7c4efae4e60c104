// One connection opened from the capture columns (Enter): every event of it, the learner's
// beside the expected one, each payload whole, the first differing byte marked. Lines of
// segments for a scrolling view; `sections` says where each event starts, so the view can
// open at the line the learner selected.
import type { CaptureEvent, DataEvent } from '../capture/events.js';
import { clientText } from '../capture/format.js';
import type { CellPair, ConnectionRow } from './captureDiff.js';
import type { Segment } from './captureLines.js';
import { firstDifference, position } from '../capture/visibleBytes.js';
import { wrapPieces } from './markdown.js';
import { segmentsWidth } from './captureLines.js';
import { payloadLines } from './payloadView.js';

export interface CaptureDetail {
  lines: Segment[][];
  /** Per cell of the row, the index of its first line. */
  sections: number[];
}

/** Wider than this, the two sides stand side by side; narrower, one above the other. */
export const SIDE_BY_SIDE_WIDTH = 100;

const STAGE: Record<string, string> = { ingress: 'in: the request the server read', egress: 'out: the response the server wrote' };

function eventSummary(event: CaptureEvent | null): string {
  if (!event) return '✗ not captured';
  if (event.type === 'open') return `client ${clientText(event.client)}, fd ${event.fd}`;
  if (event.type === 'close') return `fd ${event.fd} closed`;
  return `${event.payload.length} B, ${event.direction === 'ingress' ? 'in' : 'out'}`;
}

function title(cell: CellPair): string {
  if (cell.kind === 'open') return 'open: the server accepted a connection';
  if (cell.kind === 'close') return 'close: the server closed it';
  const event = (cell.expected ?? cell.learner.event) as DataEvent;
  return STAGE[event.direction]!;
}

/** Two columns of lines side by side, the left padded to its width. */
function beside(left: Segment[][], right: Segment[][], columnWidth: number): Segment[][] {
  const out: Segment[][] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i] ?? [];
    const pad = ' '.repeat(Math.max(0, columnWidth - segmentsWidth(l)));
    out.push([...l, { text: `${pad} │ `, tone: 'muted' }, ...(right[i] ?? [])]);
  }
  return out;
}

function dataLines(mine: DataEvent | null, theirs: DataEvent | null, width: number): Segment[][] {
  const heading = (text: string): Segment[] => [{ text, bold: true }];
  if (!mine || !theirs) {
    const only = (mine ?? theirs)!;
    const who = mine ? 'yours only (solution.c has nothing like it)' : 'expected only (yours has not captured it)';
    return [[{ text: `${who}, ${only.payload.length} B:`, tone: mine ? 'warn' : 'bad' }], ...payloadLines(only.payload, width)];
  }
  const at = firstDifference(mine.payload, theirs.payload);
  if (at < 0) return [heading(`yours and expected: the same ${mine.payload.length} B`), ...payloadLines(mine.payload, width)];
  const where = position(theirs.payload, at);
  const summary: Segment[] = [
    { text: `first difference at byte ${at} (line ${where.line}, column ${where.column})`, tone: 'bad', bold: true },
    ...(mine.payload.length < theirs.payload.length && at === mine.payload.length
      ? [{ text: `: yours stops after ${mine.payload.length} of ${theirs.payload.length} B`, tone: 'bad' as const }]
      : []),
  ];
  const yours = `yours: ${mine.payload.length} B${mine.direction !== theirs.direction ? ` (${mine.direction === 'ingress' ? 'in' : 'out'}, should be ${theirs.direction === 'ingress' ? 'in' : 'out'})` : ''}`;
  const expected = `expected: ${theirs.payload.length} B`;
  const said = wrapPieces(summary, width, { text: '  ' });
  if (width >= SIDE_BY_SIDE_WIDTH) {
    const column = Math.floor((width - 3) / 2);
    return [...said, ...beside([heading(yours), ...payloadLines(mine.payload, column, at)], [heading(expected), ...payloadLines(theirs.payload, column, at)], column)];
  }
  return [...said, heading(yours), ...payloadLines(mine.payload, width, at), [], heading(expected), ...payloadLines(theirs.payload, width, at)];
}

function cellLines(cell: CellPair, width: number): Segment[][] {
  const head: Segment[] = [{ text: `── ${title(cell)} `, tone: 'info', bold: true }];
  head.push({ text: '─'.repeat(Math.max(0, width - segmentsWidth(head))), tone: 'info' });
  if (cell.kind !== 'data') {
    const differs = cell.learner.status !== 'ok';
    return [
      head,
      [{ text: 'yours:    ', bold: true }, { text: eventSummary(cell.learner.event), tone: differs ? 'bad' : undefined }],
      [{ text: 'expected: ', bold: true }, { text: cell.expected ? eventSummary(cell.expected) : '(nothing)' }],
    ];
  }
  return [head, ...dataLines(cell.learner.event as DataEvent | null, cell.expected as DataEvent | null, width)];
}

export function captureDetail(row: ConnectionRow, width: number): CaptureDetail {
  const connection = row.expected ?? row.learner;
  const lines: Segment[][] = [
    [{ text: `Connection fd ${connection?.fd ?? '?'} of pid ${connection?.pid ?? '?'}${connection?.client ? `, client ${clientText(connection.client)}` : ''}`, bold: true }],
  ];
  const sections: number[] = [];
  for (const cell of row.cells) {
    lines.push([]);
    sections.push(lines.length);
    lines.push(...cellLines(cell, width));
  }
  if (row.cells.length === 0) lines.push([{ text: 'nothing captured on this connection yet', tone: 'muted' }]);
  const notKept = Math.max(row.learner?.dataNotKept ?? 0, row.expected?.dataNotKept ?? 0);
  if (notKept > 0) {
    const said = `… and ${notKept} more data event${notKept === 1 ? '' : 's'} on this connection, counted but not kept: the capture keeps the first few of each connection (yours ${row.learner?.dataNotKept ?? 0}, expected ${row.expected?.dataNotKept ?? 0} not kept).`;
    lines.push([], ...wrapPieces([{ text: said, tone: 'muted' as const }], width));
  }
  return { lines, sections };
}
