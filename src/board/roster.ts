// The board's memory: one row per learner, built from the reports they send. Bounded: at most
// `maxLearners` rows, each of a bounded size (the payload's limits), so a long class or a noisy
// room cannot grow the board without end.
import type { BoardPayload, PayloadCheck } from './payload.js';

export interface LearnerRow {
  name: string;
  track: string;
  /** The level of the last check. */
  level: number;
  /** The highest level this learner has passed since the board started, or null. */
  levelReached: number | null;
  /** When the board received the last report (ms since the epoch). */
  lastAt: number;
  /** When the learner's machine sent it. */
  sentAt: number;
  passed: boolean;
  /** The first failing check of the last report, or null when it passed. */
  failure: { code: string; id: string; title: string; message: string; line: number | null } | null;
  /** Since when the learner has not passed the level they are on (their first failing report after a pass), or null. */
  stuckSince: number | null;
  reports: number;
  /** The program, when the learner chose to share it (--share-code). */
  source: string | null;
}

export type AddOutcome = { ok: true; row: LearnerRow } | { ok: false; reason: 'full' };

function firstFailure(checks: PayloadCheck[]): LearnerRow['failure'] {
  const failed = checks.find((c) => c.status === 'fail');
  if (!failed) return null;
  return { code: failed.code ?? failed.id, id: failed.id, title: failed.title, message: failed.message, line: failed.location?.line ?? null };
}

export class Roster {
  private readonly rows = new Map<string, LearnerRow>();

  constructor(private readonly maxLearners = 500) {}

  /** Records a report; a new learner beyond the cap is refused. */
  add(payload: BoardPayload, now = Date.now()): AddOutcome {
    const previous = this.rows.get(payload.name);
    if (!previous && this.rows.size >= this.maxLearners) return { ok: false, reason: 'full' };
    const { report } = payload;
    const reached = report.passed ? Math.max(report.level, previous?.levelReached ?? -1) : previous?.levelReached ?? null;
    // Stuck: failing since the first failure after the last pass (or since they joined); a
    // move to another level starts the clock again.
    let stuckSince: number | null = null;
    if (!report.passed) {
      const sameLevel = previous && previous.level === report.level;
      stuckSince = sameLevel && previous.stuckSince !== null ? previous.stuckSince : now;
    }
    const row: LearnerRow = {
      name: payload.name,
      track: payload.track,
      level: report.level,
      levelReached: reached,
      lastAt: now,
      sentAt: payload.sentAt,
      passed: report.passed,
      failure: firstFailure(report.checks),
      stuckSince,
      reports: (previous?.reports ?? 0) + 1,
      source: payload.source ?? null,
    };
    this.rows.set(row.name, row);
    return { ok: true, row };
  }

  get size(): number {
    return this.rows.size;
  }

  /** Every row, stuck longest first, then the passing ones by name. */
  list(): LearnerRow[] {
    return [...this.rows.values()].sort(stuckLongestFirst);
  }
}

export function stuckLongestFirst(a: LearnerRow, b: LearnerRow): number {
  if (a.stuckSince !== null && b.stuckSince !== null) return a.stuckSince - b.stuckSince;
  if (a.stuckSince !== null) return -1;
  if (b.stuckSince !== null) return 1;
  return a.name.localeCompare(b.name);
}
