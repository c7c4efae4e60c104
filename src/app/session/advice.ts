// Inside the app, some failures call for other advice than at the command line: a file
// that is gone or not text is put right with `x` (the start of the level back, the old one
// kept as a .bak file), not by naming another file on a command line.
import type { CheckResult } from '../../report/checkReport.js';
import type { Problem } from '../../errors/problem.js';

export interface CheckOutcome {
  checks: CheckResult[];
  problem: Problem | null;
}

const RESTORE = 'press x to put the start of this level back in its place, or copy back one of your .bak files';

/** The outcome of a check of `file` as the app tells it; `exists` says whether the file is there. */
export function adviseInApp(outcome: CheckOutcome, file: string, exists: boolean): CheckOutcome {
  if (!exists) {
    return {
      checks: [],
      problem: {
        code: 'FILE_NOT_FOUND',
        kind: 'program',
        message: `${file} is gone: it was deleted or moved away, so there is nothing to check`,
        hint: `${RESTORE}; the workshop checks it again as soon as it is back`,
        location: null,
        raw: null,
      },
    };
  }
  const checks = outcome.checks.map((check) =>
    check.id === 'file' && check.status === 'fail' && /binary|not UTF-8|empty/.test(check.message)
      ? { ...check, hint: `${RESTORE} (x keeps this one as a .bak file too)` }
      : check,
  );
  return { checks, problem: outcome.problem };
}
