// When to judge the learner's capture live, and what to make of the result: the level's live
// checks (run by the learner's program, pipeline/) over the last few requests answered since
// it attached. A pass counts at once; a failure is only told about requests answered a while
// ago (their events may still be on their way). Bookkeeping and timing with the clock passed
// in: unit-tested without a kernel.
import type { CheckResult } from '../../report/checkReport.js';
import type { SentRequest } from '../trafficDriver.js';

export interface LiveVerdict {
  checks: CheckResult[];
  passed: boolean;
}

/** How long an expected event waits for the learner's before it is flagged missing. */
export const GRACE_MS = 800;
/** The live checks look at the last few requests sent since the learner's program attached. */
const REQUESTS_JUDGED = 3;
const EVALUATE_EVERY_MS = 250;
const MAX_REQUESTS = 20;

export class LiveJudge {
  private requests: SentRequest[] = [];
  private attachedAt = 0;
  private dirty = false;
  private lastJudged = 0;
  verdict: LiveVerdict = { checks: [], passed: false };

  /** The learner's program was attached (or the level changed): judge only what comes after. */
  restart(attachedAt: number): void {
    this.attachedAt = attachedAt;
    this.clear();
  }

  clear(): void {
    this.verdict = { checks: [], passed: false };
  }

  answered(reply: SentRequest): void {
    this.requests = [...this.requests, reply].slice(-MAX_REQUESTS);
    this.dirty = true;
  }

  /** Something the checks read has changed (events, an exchange, the expected client ports). */
  touch(): void {
    this.dirty = true;
  }

  /**
   * Judges with `checks` (the live checks over some requests) if something changed and it is
   * due. Returns whether the level passed now, and when (ms from now) to call again if a
   * verdict is still to come.
   */
  judge(checks: (requests: SentRequest[]) => CheckResult[], now = Date.now()): { passed: boolean; again: number | null } {
    if (!this.dirty) return { passed: false, again: null };
    if (now - this.lastJudged < EVALUATE_EVERY_MS) return { passed: false, again: EVALUATE_EVERY_MS };
    this.dirty = false;
    this.lastJudged = now;
    const answered = this.requests.filter((r) => r.startedAt >= this.attachedAt && r.status === 200);
    const recent = answered.slice(-REQUESTS_JUDGED);
    if (recent.length === 0) return { passed: false, again: null };
    const first = checks(recent);
    if (first.length > 0 && first.every((c) => c.status === 'pass')) {
      this.verdict = { checks: first, passed: true };
      return { passed: true, again: null };
    }
    const settled = answered.filter((r) => now - r.answeredAt > GRACE_MS).slice(-REQUESTS_JUDGED);
    let again: number | null = null;
    if (settled.length < recent.length) {
      this.dirty = true;
      again = GRACE_MS;
    }
    if (settled.length === 0) return { passed: false, again };
    const told = checks(settled);
    this.verdict = { checks: told, passed: told.length > 0 && told.every((c) => c.status === 'pass') };
    return { passed: this.verdict.passed, again };
  }
}
