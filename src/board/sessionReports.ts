// `start --board`: the app's verdicts, as reports to the classroom board. It watches the
// session's snapshots from outside (the app knows nothing of boards) and sends a report each
// time the verdict on the learner's file changes: a save that fails its static checks, the
// live checks settling on a pass or a failure, a new level. The same verdict seen again (the
// live checks re-run with each request) is not sent twice.
import { emptyCapture, type CheckReport, type CheckResult } from '../report/checkReport.js';
import type { WorkshopSnapshot } from '../app/workshopSession.js';
import type { BoardReporter } from './reporter.js';

type SessionSnapshot = Pick<WorkshopSnapshot, 'phase' | 'file' | 'level' | 'attachMode' | 'watch' | 'live' | 'passedLevel'>;

export interface SessionVerdict {
  report: CheckReport;
  /** Same key, same verdict: sent once. */
  key: string;
}

/** The verdict a snapshot shows, or null while there is none yet (compiling, waiting for traffic). */
export function sessionVerdict(snapshot: SessionSnapshot): SessionVerdict | null {
  const { watch, live, level } = snapshot;
  if (snapshot.phase !== 'ready') return null;
  let checks: CheckResult[];
  let passed: boolean;
  if (watch.status === 'broken') {
    const problem = watch.problem;
    const where = problem?.location;
    const location = where ? { file: where.file, line: where.line, column: where.column ?? null } : null;
    checks = watch.checks.length > 0 || !problem ? watch.checks : [{ id: 'check', title: 'the check ran', status: 'fail', code: problem.code, message: problem.message, hint: problem.hint, location }];
    passed = false;
  } else if (watch.status === 'attached' && live.checks.length > 0) {
    checks = [...watch.checks, ...live.checks];
    passed = live.passed;
  } else if (watch.status === 'attached' && snapshot.passedLevel === level) {
    checks = watch.checks; // a level with no live part: compiled and loaded is the pass
    passed = true;
  } else {
    return null;
  }
  const report: CheckReport = {
    level,
    file: snapshot.file,
    passed,
    attachMode: snapshot.attachMode ?? 'tracepoint',
    checks,
    capture: emptyCapture(),
  };
  const key = `${watch.generation}|${level}|${passed}|${checks.map((c) => `${c.id}:${c.status}`).join(',')}`;
  return { report, key };
}

/** Sends the session's verdicts to the board until the returned function is called. */
export function reportSession(
  store: { getSnapshot(): WorkshopSnapshot; subscribe(listener: () => void): () => void },
  reporter: BoardReporter,
): () => void {
  let lastKey: string | null = null;
  const look = () => {
    const snapshot = store.getSnapshot();
    const verdict = sessionVerdict(snapshot);
    if (!verdict || verdict.key === lastKey) return;
    lastKey = verdict.key;
    reporter.report(verdict.report, snapshot.source);
  };
  return store.subscribe(look);
}
