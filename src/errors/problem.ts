// Every failure a learner can meet, as one shape: its stable code, what happened, where, what
// to do next, and the raw output one flag away. Commands print Problems; nothing prints a
// stack trace. A WorkshopError already says all of it; anything else is a bug of ours.
import type { ErrorCode, ErrorKind } from './codes.js';
import { formatLocation, isError, WorkshopError, type Diagnostic, type Location } from './workshopError.js';

export type { Location } from './workshopError.js';

export interface Problem {
  /** The stable code (docs/errors.md): what graders, the board and scripts match on. */
  code: ErrorCode;
  /** environment: the machine (exit 2); program: the learner's file (exit 1); usage (exit 2); internal: a bug (exit 2). */
  kind: ErrorKind;
  message: string;
  hint: string | null;
  location: Location | null;
  /** Clang's output or the verifier's log, for --verbose. */
  raw: string | null;
  /** Extra located diagnostics (other compile errors). */
  diagnostics?: Diagnostic[];
}

export function describeProblem(error: unknown): Problem {
  if (error instanceof WorkshopError) {
    const errors = error.diagnostics.filter(isError);
    return {
      code: error.code,
      kind: error.kind,
      message: error.message,
      hint: error.hint,
      location: error.location,
      raw: error.raw,
      ...(errors.length ? { diagnostics: errors } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', kind: 'internal', message, hint: null, location: null, raw: error instanceof Error ? error.stack ?? null : null };
}

export function exitCodeFor(problem: Problem): number {
  return problem.kind === 'program' ? 1 : 2;
}

/** Plain-text rendering for the CLI. */
export function formatProblem(problem: Problem, options: { verbose?: boolean } = {}): string {
  const where = problem.location ? `${formatLocation(problem.location)}: ` : '';
  const lines = [`error: ${where}${problem.message}`];
  for (const d of problem.diagnostics?.slice(1, 4) ?? []) lines.push(`  also ${d.file}:${d.line}:${d.column}: ${d.message}`);
  if (problem.hint) lines.push(`  ${problem.kind === 'environment' ? 'fix' : 'hint'}: ${problem.hint}`);
  if (options.verbose && problem.raw) lines.push('', problem.raw.trimEnd());
  return lines.join('\n');
}
