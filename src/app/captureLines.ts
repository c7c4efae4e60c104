// The two capture columns as lines of text: for levels 1–3 one line per event as it
// arrives; for level 4 each connection's timeline, open → request → response → close, then
// its payloads. Differences carry a mark and a tone, so they stand out in colour and without.
import type { CaptureEvent, DataEvent } from '../capture/events.js';
import { clientText, oneLine } from '../capture/format.js';
import type { CellPair, CellStatus, ConnectionRow, Stage } from './captureDiff.js';
import type { Tone } from './theme.js';

export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
}

/** The visible width of a line of segments. */
export function segmentsWidth(segments: Segment[]): number {
  return segments.reduce((n, s) => n + s.text.length, 0);
}

export interface CaptureLine {
  key: string;
  /** The connection row it belongs to, and which of its cells it shows (-1: the whole connection). */
  row: string;
  cell: number;
  left: Segment[];
  right: Segment[];
}

const arrow = (d: DataEvent) => (d.direction === 'ingress' ? 'in ' : 'out');

/** One event, as either column shows it. */
export function describeEvent(event: CaptureEvent, width = 120): string {
  switch (event.type) {
    case 'open':
      return `open  ${clientText(event.client)}  fd ${event.fd}`;
    case 'close':
      return `close fd ${event.fd}`;
    case 'data':
      return `${arrow(event)}  ${oneLine(event.payload, Math.max(8, width - 5))}`;
  }
}

function whatIsMissing(cell: CellPair): string {
  if (cell.kind === 'open') return 'no open event';
  if (cell.kind === 'close') return 'no close event';
  return cell.expected?.type === 'data' && cell.expected.direction === 'ingress' ? 'no request (in)' : 'no response (out)';
}

/** The learner's side of one line. */
function learnerSide(cell: CellPair, width: number): Segment[] {
  const { event, status } = cell.learner;
  switch (status) {
    case 'ok':
      return [{ text: describeEvent(event!, width) }];
    case 'waiting':
      return [{ text: '…', tone: 'muted' }];
    case 'missing':
      return [{ text: `✗ ${whatIsMissing(cell)}`, tone: 'bad', bold: true }];
    case 'wrong-direction': {
      const should = cell.expected?.type === 'data' && cell.expected.direction === 'ingress' ? 'in' : 'out';
      return [{ text: `⇄ should be ${should}: `, tone: 'bad', bold: true }, { text: describeEvent(event!, width - 16) }];
    }
    case 'truncated': {
      const mine = event as DataEvent;
      const theirs = cell.expected as DataEvent;
      return [{ text: `✂ ${mine.payload.length} of ${theirs.payload.length} B: `, tone: 'warn', bold: true }, { text: describeEvent(mine, width - 16) }];
    }
    case 'wrong-address':
      return [{ text: '✗ no client address: ', tone: 'bad', bold: true }, { text: describeEvent(event!, width - 22) }];
    case 'extra':
      return [{ text: `+ ${describeEvent(event!, width - 2)}`, tone: 'muted' }];
  }
}

function expectedSide(cell: CellPair, width: number): Segment[] {
  return cell.expected ? [{ text: describeEvent(cell.expected, width) }] : [];
}

/** Data events a connection had beyond the ones kept (connectionLog.ts), said on each side. */
function notKeptLine(row: ConnectionRow): CaptureLine[] {
  const side = (n: number | undefined): Segment[] => (n ? [{ text: `  … ${n} more data event${n === 1 ? '' : 's'} not kept`, tone: 'muted' }] : []);
  if (!row.learner?.dataNotKept && !row.expected?.dataNotKept) return [];
  return [{ key: `${row.key}:not-kept`, row: row.key, cell: -1, left: side(row.learner?.dataNotKept), right: side(row.expected?.dataNotKept) }];
}

/** Levels 1–3: every event on its own line, the two sides aligned. */
export function eventLines(rows: ConnectionRow[], width: number): CaptureLine[] {
  return rows.flatMap((row) => [
    ...row.cells.map((cell, i) => ({ key: `${row.key}:${i}`, row: row.key, cell: i, left: learnerSide(cell, width), right: expectedSide(cell, width) })),
    ...notKeptLine(row),
  ]);
}

const STAGES: Stage[] = ['open', 'request', 'response', 'close'];

const STAGE_MARK: Record<CellStatus, { mark: string; tone?: Tone }> = {
  ok: { mark: '' },
  waiting: { mark: '…', tone: 'muted' },
  missing: { mark: '✗', tone: 'bad' },
  'wrong-direction': { mark: '⇄', tone: 'bad' },
  truncated: { mark: '✂', tone: 'warn' },
  'wrong-address': { mark: '✗', tone: 'bad' },
  extra: { mark: '' },
};

function chain(stages: ConnectionRow['stages'], fd: number | null, mine: boolean): Segment[] {
  const segments: Segment[] = [{ text: fd === null ? '' : `fd ${fd}  `, tone: 'muted' }];
  STAGES.filter((s) => stages[s] !== undefined).forEach((stage, i) => {
    if (i > 0) segments.push({ text: ' → ', tone: 'muted' });
    const status = mine ? stages[stage]! : 'ok';
    const { mark, tone } = STAGE_MARK[status];
    segments.push({ text: `${mark}${stage}`, tone: tone ?? 'ok', bold: status === 'missing' || status === 'wrong-direction' });
  });
  return segments;
}

/** The chain tightened (`fd 4 open→request→…`) when it does not fit the column. */
function fit(segments: Segment[], width: number): Segment[] {
  if (segmentsWidth(segments) <= width) return segments;
  return segments.map((s) => ({ ...s, text: s.text === ' → ' ? '→' : s.text.replace(/ {2}$/, ' ') }));
}

/** A connection only the learner captured: its own timeline when there is room, and that Expected has none. */
function learnerOnlyHead(row: ConnectionRow, fd: number | null, width: number): Segment[] {
  const note: Segment = { text: '(not in Expected)', tone: 'muted' };
  const timeline = fit([...chain(row.stages, fd, false), { ...note, text: `  ${note.text}` }], width);
  return segmentsWidth(timeline) <= width ? timeline : [{ text: `fd ${fd}  `, tone: 'muted' }, note];
}

/** Level 4: each connection's timeline, a missing stage flagged, then its payloads. */
export function timelineLines(rows: ConnectionRow[], width: number): CaptureLine[] {
  return rows.flatMap((row) => {
    const fd = row.expected?.fd ?? row.learner?.fd ?? null;
    const head: CaptureLine = {
      key: `${row.key}:chain`,
      row: row.key,
      cell: -1,
      left: row.expected ? fit(chain(row.stages, row.learner ? fd : null, true), width) : learnerOnlyHead(row, fd, width),
      right: row.expected ? fit(chain(row.stages, fd, false), width) : [],
    };
    const payloads = row.cells
      .map((cell, i) => ({ cell, i }))
      .filter(({ cell }) => cell.kind === 'data')
      .map(({ cell, i }) => ({ key: `${row.key}:${i}`, row: row.key, cell: i, left: indent(learnerSide(cell, width - 2)), right: indent(expectedSide(cell, width - 2)) }));
    return [head, ...payloads, ...notKeptLine(row)];
  });
}

function indent(segments: Segment[]): Segment[] {
  return segments.length ? [{ text: '  ' }, ...segments] : segments;
}
