// Puts the learner's connections beside the expected ones and says, event by event, where
// they differ: a missing open or close, a request reported as egress, a payload cut short,
// an open without the client's address. Pure, so it is tested with recorded events.
import type { CaptureEvent, DataEvent } from '../capture/events.js';
import type { Connection } from './connectionLog.js';

export type CellStatus =
  | 'ok'
  /** Expected has it; the learner's sniffer has not reported it (after a grace period). */
  | 'missing'
  /** Expected has it; the learner's may still be on its way. */
  | 'waiting'
  | 'wrong-direction'
  | 'truncated'
  | 'wrong-address'
  /** The learner's sniffer reported it; the expected one has nothing like it. */
  | 'extra';

export interface Cell {
  event: CaptureEvent | null;
  status: CellStatus;
}

/** One line of the two columns: what each side saw of one event. */
export interface CellPair {
  kind: 'open' | 'data' | 'close';
  learner: Cell;
  /** Null where the expected side has nothing (an extra event of the learner's). */
  expected: CaptureEvent | null;
}

export type Stage = 'open' | 'request' | 'response' | 'close';

export interface ConnectionRow {
  key: string;
  learner: Connection | null;
  expected: Connection | null;
  cells: CellPair[];
  /** Per stage, the learner's status (absent: the expected side has no such stage either); a
   * connection only the learner captured has the stages it went through, each 'ok'. */
  stages: Partial<Record<Stage, CellStatus>>;
}

export interface DiffOptions {
  now?: number;
  /** How long an expected event may wait for the learner's before it counts as missing. */
  graceMs?: number;
}

const PREFIX = 12;

function samePrefix(a: Buffer, b: Buffer): boolean {
  const n = Math.min(PREFIX, a.length, b.length);
  return n >= 4 && a.subarray(0, n).equals(b.subarray(0, n));
}

function clientKey(c: Connection): string | null {
  const client = c.client;
  return client && client.family !== 'unknown' && client.port > 0 ? `${client.address}:${client.port}/${c.fd}` : null;
}

/** The time span of a connection, by the kernel clock both sniffers share. */
function span(c: Connection): [number, number] {
  const times = [c.open, ...c.data, c.close].filter((e): e is CaptureEvent => e !== null).map((e) => e.timestampNs).filter((t) => t > 0);
  return times.length ? [Math.min(...times), Math.max(...times)] : [0, 0];
}

/**
 * Pairs the learner's connections with the expected ones: by the client's address and fd
 * when both have an open, else by fd and overlapping kernel timestamps. What pairs with
 * nothing stays alone on its side.
 */
export function pairConnections(learner: readonly Connection[], expected: readonly Connection[]): Array<[Connection | null, Connection | null]> {
  const pairs = new Map<Connection, Connection>();
  const taken = new Set<Connection>();
  const byClient = new Map<string, Connection>();
  for (const e of expected) {
    const key = clientKey(e);
    if (key) byClient.set(key, e);
  }
  for (const l of learner) {
    const key = clientKey(l);
    const match = key ? byClient.get(key) : undefined;
    if (match && !taken.has(match)) {
      pairs.set(l, match);
      taken.add(match);
    }
  }
  for (const l of learner) {
    if (pairs.has(l)) continue;
    const [from, to] = span(l);
    if (from === 0) continue;
    const match = expected.find((e) => {
      if (taken.has(e) || e.fd !== l.fd || e.pid !== l.pid) return false;
      const [eFrom, eTo] = span(e);
      // Both saw events of one connection: their spans overlap (a little slack for the
      // entry and return of one syscall being reported by different hooks).
      return eFrom !== 0 && from <= eTo + 1_000_000 && eFrom <= to + 1_000_000;
    });
    if (match) {
      pairs.set(l, match);
      taken.add(match);
    }
  }
  const rows: Array<[Connection | null, Connection | null]> = [];
  for (const l of learner) rows.push([l, pairs.get(l) ?? null]);
  for (const e of expected) if (!taken.has(e)) rows.push([null, e]);
  return rows.sort((a, b) => arrival(a) - arrival(b));
}

function arrival([l, e]: [Connection | null, Connection | null]): number {
  return Math.min(l?.arrivedAt ?? Infinity, e?.arrivedAt ?? Infinity);
}

function absent(expected: Connection, options: Required<DiffOptions>): CellStatus {
  return options.now - expected.updatedAt < options.graceMs ? 'waiting' : 'missing';
}

function compareData(mine: DataEvent, theirs: DataEvent): CellStatus {
  if (mine.direction !== theirs.direction) return 'wrong-direction';
  if (mine.payload.length < theirs.payload.length) return 'truncated';
  return 'ok';
}

function openStatus(learner: Connection, expected: Connection): CellStatus {
  const mine = learner.client;
  const theirs = expected.client;
  if (!theirs) return 'ok';
  if (!mine || mine.family === 'unknown' || mine.address !== theirs.address || mine.port !== theirs.port) return 'wrong-address';
  return 'ok';
}

/** The aligned lines of one pair of connections. */
export function diffConnection(learner: Connection | null, expected: Connection | null, options: DiffOptions = {}): ConnectionRow {
  const opts: Required<DiffOptions> = { now: options.now ?? Date.now(), graceMs: options.graceMs ?? 800 };
  const cells: CellPair[] = [];
  const stages: ConnectionRow['stages'] = {};
  const key = `${learner ? `l${learner.seq}` : ''}${expected ? `e${expected.seq}` : ''}`;

  // The open.
  if (expected?.open) {
    const status = learner?.open ? openStatus(learner, expected) : absent(expected, opts);
    cells.push({ kind: 'open', learner: { event: learner?.open ?? null, status }, expected: expected.open });
    stages.open = status;
  } else if (learner?.open) {
    cells.push({ kind: 'open', learner: { event: learner.open, status: expected ? 'extra' : 'ok' }, expected: null });
    if (!expected) stages.open = 'ok';
  }

  // The data, matched by what the payloads begin with (the direction may be wrong).
  const unused = [...(learner?.data ?? [])];
  for (const theirs of expected?.data ?? []) {
    const at = unused.findIndex((mine) => samePrefix(mine.payload, theirs.payload));
    const mine = at >= 0 ? unused.splice(at, 1)[0]! : null;
    const status = mine ? compareData(mine, theirs) : absent(expected!, opts);
    cells.push({ kind: 'data', learner: { event: mine, status }, expected: theirs });
    const stage: Stage = theirs.direction === 'ingress' ? 'request' : 'response';
    stages[stage] ??= status;
  }
  for (const mine of unused) {
    cells.push({ kind: 'data', learner: { event: mine, status: expected ? 'extra' : 'ok' }, expected: null });
    if (!expected) stages[mine.direction === 'ingress' ? 'request' : 'response'] = 'ok';
  }

  // The close.
  if (expected?.close) {
    const status = learner?.close ? 'ok' : absent(expected, opts);
    cells.push({ kind: 'close', learner: { event: learner?.close ?? null, status }, expected: expected.close });
    stages.close = status;
  } else if (learner?.close) {
    cells.push({ kind: 'close', learner: { event: learner.close, status: expected ? 'extra' : 'ok' }, expected: null });
    if (!expected) stages.close = 'ok';
  }
  return { key, learner, expected, cells, stages };
}

/** Both captures as rows of aligned connections, oldest first. */
export function diffCaptures(learner: readonly Connection[], expected: readonly Connection[], options: DiffOptions = {}): ConnectionRow[] {
  return pairConnections(learner, expected).map(([l, e]) => diffConnection(l, e, options));
}

/** Is this status a difference worth flagging (not merely still on its way)? */
export function isDifference(status: CellStatus): boolean {
  return status !== 'ok' && status !== 'waiting';
}
