// The shape every environment check reports in, and the error a failed one becomes.
import type { ErrorCode } from '../errors/codes.js';
import { WorkshopError } from '../errors/workshopError.js';

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

/** A check's outcome inside the survey: `autoFixable` failures are the ones `fix` would repair. */
export interface Outcome extends Check {
  autoFixable?: boolean;
}

/** The command the learner ran, prefixed with sudo: what to type when privileges fall short. */
export function sudoCommand(): string {
  const args = process.argv.slice(2).join(' ');
  return `sudo npx ebpf-workshop ${args || 'start'}`.trim();
}

/** The stable code of each check, for the error a failed one becomes (docs/errors.md). */
const CHECK_CODES: Record<CheckId, ErrorCode> = {
  platform: 'ENV_PLATFORM',
  privileges: 'ENV_PRIVILEGES',
  lockdown: 'ENV_LOCKDOWN',
  tracefs: 'ENV_TRACEFS',
  headers: 'ENV_HEADERS',
  libbcc: 'ENV_LIBBCC',
  // Missing kprobes or tracepoints only warn; without both, choosing a mode fails.
  kprobes: 'ENV_ATTACH_MODE',
  'syscall-tracepoints': 'ENV_ATTACH_MODE',
  'attach-mode': 'ENV_ATTACH_MODE',
  ebpf: 'ENV_EBPF',
};

export function checkCode(id: CheckId): ErrorCode {
  return CHECK_CODES[id];
}

/**
 * The machine cannot run the workshop as it is: the failed check as an error. `message` is
 * one sentence, `hint` a command or step; the CLI prints both without a stack trace, exit 2.
 */
export function environmentError(check: Check): WorkshopError {
  return new WorkshopError(checkCode(check.id), `${check.id}: ${check.detail}`, { hint: check.fix, subject: check.id });
}

export function isEnvironmentError(err: unknown): err is WorkshopError {
  return err instanceof WorkshopError && err.kind === 'environment';
}
