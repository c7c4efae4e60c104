// The shape every environment check reports in, and the error a failed one becomes.

export type CheckId =
  | 'platform'
  | 'privileges'
  | 'lockdown'
  | 'tracefs'
  | 'headers'
  | 'libbcc'
  | 'kprobes'
  | 'syscall-tracepoints'
  | 'attach-mode'
  | 'ebpf';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  /** The command or step that fixes it; null when there is nothing to fix. */
  fix: string | null;
}

/**
 * The machine cannot run the workshop as it is. `message` is one sentence, `fix` a command
 * or step; the CLI prints both without a stack trace and exits 2.
 */
export class EnvironmentError extends Error {
  constructor(
    message: string,
    readonly fix: string | null,
    readonly check: CheckId,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

export function isEnvironmentError(err: unknown): err is EnvironmentError {
  return err instanceof EnvironmentError;
}

/** The two lines the CLI prints for an EnvironmentError. */
export function formatEnvironmentError(err: EnvironmentError): string {
  return err.fix ? `error: ${err.message}\n  fix: ${err.fix}` : `error: ${err.message}`;
}
