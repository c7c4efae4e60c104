// The one error type of the workshop. Whatever fails — the learner's file, the machine, the
// command line — throws a WorkshopError with a stable `code` (codes.ts, docs/errors.md) and
// says, in its fields, what happened, where, and what to do next; the raw output behind it
// (clang's, the verifier's log, a build's) travels along for --verbose. Commands turn it into
// a Problem (problem.ts); nothing prints a stack trace.
import { ERROR_CODES, type ErrorCode, type ErrorKind } from './codes.js';

export interface Location {
  file: string;
  line: number;
  column?: number;
}

export type Severity = 'fatal' | 'error' | 'warning' | 'note';

/** A located compiler message: clang's `file:line:column: severity: message`. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** The source line and caret clang printed under the message, when it did. */
  excerpt?: string;
}

/** An error (or a fatal one), not a warning or a note. */
export function isError(d: Diagnostic): boolean {
  return d.severity === 'error' || d.severity === 'fatal';
}

/** `file:line:column` (the column when known), as compilers and editors write a place. */
export function formatLocation(location: { file: string; line: number; column?: number | null }): string {
  return `${location.file}:${location.line}${location.column ? `:${location.column}` : ''}`;
}

export interface WorkshopErrorDetails {
  /** What to do next: a command, a step, a change to make. */
  hint?: string | null;
  /** Where, in the learner's file. */
  location?: Location | null;
  /** The raw output behind the failure (clang's, the verifier's log, a build's), for --verbose. */
  raw?: string | null;
  /** Every error the compiler reported, the first one first. */
  diagnostics?: Diagnostic[];
  /** What failed, by name: the function refused, the attach target, the hook, the perf output, the C type. */
  subject?: string | null;
  /** The short reason behind the message (the kernel's or libbcc's words), when there is one. */
  detail?: string | null;
  /** The errno the kernel answered, when it did. */
  errno?: number | null;
  cause?: unknown;
}

export class WorkshopError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | null;
  readonly location: Location | null;
  readonly raw: string | null;
  readonly diagnostics: Diagnostic[];
  readonly subject: string | null;
  readonly detail: string | null;
  readonly errno: number | null;

  constructor(code: ErrorCode, message: string, details: WorkshopErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WorkshopError';
    this.code = code;
    this.hint = details.hint ?? null;
    this.location = details.location ?? null;
    this.raw = details.raw ?? null;
    this.diagnostics = details.diagnostics ?? [];
    this.subject = details.subject ?? null;
    this.detail = details.detail ?? null;
    this.errno = details.errno ?? null;
  }

  /** Whose failure it is: the learner's program, the machine, the command line, or ours. */
  get kind(): ErrorKind {
    return ERROR_CODES[this.code];
  }
}

/** A bad command line (USAGE, exit 2): the message says what is wrong, the hint what to type instead. */
export function usageError(message: string, hint: string | null = null): WorkshopError {
  return new WorkshopError('USAGE', message, { hint });
}

/** Is this a WorkshopError (with one of these codes, when any are given)? */
export function isWorkshopError(error: unknown, ...codes: ErrorCode[]): error is WorkshopError {
  return error instanceof WorkshopError && (codes.length === 0 || codes.includes(error.code));
}
