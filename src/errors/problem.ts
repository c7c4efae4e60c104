// Every failure a learner can meet, as one shape: what happened, where, what to do next,
// and the raw output one flag away. Commands print Problems; nothing prints a stack trace.
import { AttachError, CompileError, LoadError } from '../engine/bpfProgram.js';
import { isError, type Diagnostic } from '../engine/diagnostics.js';
import { EnvironmentError } from '../kernel/checks.js';
import { AttachModeError } from '../kernel/features.js';
import { TracepointAdaptError } from '../hooks/tracepointAdapter.js';
import { EventLayoutError } from '../capture/decoder.js';
import { HookAttachError } from '../sniffer/sniffer.js';
import { NativeServerError } from '../targets/nativeServer.js';
import { LearnerFileError } from '../util/learnerFiles.js';
import { NativeBuildError } from '../native/build.js';

export interface Location {
  file: string;
  line: number;
  column?: number;
}

export interface Problem {
  /** environment: the machine (exit 2); program: the learner's file (exit 1); usage (exit 2). */
  kind: 'environment' | 'program' | 'usage' | 'internal';
  message: string;
  hint: string | null;
  location: Location | null;
  /** Clang's output or the verifier's log, for --verbose. */
  raw: string | null;
  /** Extra located diagnostics (other compile errors). */
  diagnostics?: Diagnostic[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function describeProblem(error: unknown): Problem {
  if (error instanceof EnvironmentError) {
    return { kind: 'environment', message: error.message, hint: error.fix, location: null, raw: null };
  }
  if (error instanceof AttachModeError) {
    return { kind: 'environment', message: error.message, hint: error.fix, location: null, raw: null };
  }
  if (error instanceof UsageError) {
    return { kind: 'usage', message: error.message, hint: error.hint, location: null, raw: null };
  }
  if (error instanceof CompileError) {
    const errors = error.diagnostics.filter(isError);
    const first = errors[0];
    return {
      kind: 'program',
      message: first ? `does not compile: ${first.message}` : `does not compile: ${error.message}`,
      hint: first ? 'fix the line shown, save, and run again; --verbose shows the compiler\'s full output' : null,
      location: first ? { file: first.file, line: first.line, column: first.column } : null,
      raw: error.stderr,
      diagnostics: errors,
    };
  }
  if (error instanceof TracepointAdaptError) {
    return { kind: 'program', message: error.message, hint: null, location: null, raw: null };
  }
  if (error instanceof LoadError) {
    return {
      kind: 'program',
      message: `the verifier rejected ${error.functionName}: ${error.reason}`,
      hint: 'run with --verbose to read the verifier\'s log',
      location: null,
      raw: error.verifierLog,
    };
  }
  if (error instanceof HookAttachError || error instanceof AttachError) {
    return { kind: 'environment', message: error.message, hint: 'run `sudo npx ebpf-workshop doctor`', location: null, raw: null };
  }
  if (error instanceof NativeBuildError) {
    return { kind: 'environment', message: error.message, hint: './scripts/setup.sh', location: null, raw: error.output };
  }
  if (error instanceof NativeServerError) {
    return { kind: 'environment', message: error.message, hint: null, location: null, raw: null };
  }
  if (error instanceof LearnerFileError) {
    // A write refused (a link, a file in the way) or impossible (a read-only home): the machine's, not a bug.
    return { kind: 'environment', message: error.message, hint: 'move the link or file out of the way, or fix the directory\'s permissions', location: null, raw: null };
  }
  if (error instanceof EventLayoutError) {
    return { kind: 'program', message: error.message, hint: 'compare your struct with the one in the level\'s instructions', location: null, raw: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message, hint: null, location: null, raw: error instanceof Error ? error.stack ?? null : null };
}

export function exitCodeFor(problem: Problem): number {
  return problem.kind === 'program' ? 1 : 2;
}

/** Plain-text rendering for the CLI. */
export function formatProblem(problem: Problem, options: { verbose?: boolean } = {}): string {
  const where = problem.location ? `${problem.location.file}:${problem.location.line}${problem.location.column ? `:${problem.location.column}` : ''}: ` : '';
  const lines = [`error: ${where}${problem.message}`];
  for (const d of problem.diagnostics?.slice(1, 4) ?? []) lines.push(`  also ${d.file}:${d.line}:${d.column}: ${d.message}`);
  if (problem.hint) lines.push(`  ${problem.kind === 'environment' ? 'fix' : 'hint'}: ${problem.hint}`);
  if (options.verbose && problem.raw) lines.push('', problem.raw.trimEnd());
  return lines.join('\n');
}
