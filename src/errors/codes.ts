// Every kind of failure has one stable code, as better-sqlite3's SqliteError.code: what
// `check --json` puts on each failing check, what `run --json` and every command's errors
// carry, what graders and the classroom board show. A code is a contract: never rename one;
// add a new one for a new kind of failure. Each is documented in docs/errors.md (meaning,
// what to do); a unit test holds this table and that page equal.
//
// The kind says whose the failure is, and so the exit code (docs/errors.md, "Exit codes"):
// program — the learner's file (exit 1); environment — the machine (exit 2); usage — the
// command line (exit 2); internal — a bug in the workshop (exit 2).
export type ErrorKind = 'program' | 'environment' | 'usage' | 'internal';

export const ERROR_CODES = {
  // The command line.
  USAGE: 'usage',
  FILE_NOT_FOUND: 'usage',
  FILE_IS_DIRECTORY: 'usage',
  FILE_BROKEN_LINK: 'usage',
  FILE_NOT_WRITABLE: 'usage',
  FILE_WRITE_REFUSED: 'environment',
  TRACK_INVALID: 'environment',
  TRACK_UNKNOWN: 'usage',
  LEVEL_OUT_OF_RANGE: 'usage',

  // The learner's file as a whole.
  FILE_NOT_TEXT: 'program',
  FILE_EMPTY: 'program',

  // Hooks: names and signatures.
  HOOK_NOT_A_SYSCALL: 'program',
  HOOK_MISSPELT: 'program',
  HOOK_MISSING: 'program',
  HOOK_TOO_MANY_PARAMETERS: 'program',
  HOOK_NO_RETURN_VALUE: 'program',
  HOOK_MIXED_ATTACH: 'program',
  // Hooks on a library function (the TLS track's uprobes): arguments read at the wrong moment or place.
  HOOK_BUFFER_READ_AT_ENTRY: 'program',
  HOOK_RETURN_VALUE_AS_COUNT: 'program',
  HOOK_WRONG_ARGUMENT: 'program',
  HOOK_ARGUMENT_AT_RETURN: 'program',

  // The compiler.
  COMPILE_FAILED: 'program',
  COMPILER_CRASHED: 'program',
  COMPILE_UNDECLARED: 'program',
  COMPILE_DECLARED_BELOW: 'program',
  COMPILE_CONFLICTING_TYPES: 'program',
  COMPILE_INCOMPLETE_TYPE: 'program',
  COMPILE_MISSING_SEMICOLON: 'program',
  COMPILE_UNKNOWN_TYPE: 'program',
  COMPILE_MISSING_TAG: 'program',
  COMPILE_NO_MEMBER: 'program',
  COMPILE_MAP_HIDDEN: 'program',
  UNKNOWN_FUNCTION: 'program',
  STACK_LIMIT: 'program',
  NO_RETURN: 'program',

  // Maps and perf outputs.
  MAP_MISSING: 'program',
  MAP_SHAPE: 'program',
  OUTPUT_NEVER_SUBMITTED: 'program',
  OUTPUT_FIELD_MISSING: 'program',
  EVENT_LAYOUT: 'program',

  // The verifier.
  VERIFIER_NULL_CHECK: 'program',
  VERIFIER_UNBOUNDED_SIZE: 'program',
  VERIFIER_INVALID_ACCESS: 'program',
  VERIFIER_UNINITIALIZED_STACK: 'program',
  VERIFIER_UNREACHABLE: 'program',
  VERIFIER_TOO_COMPLEX: 'program',
  VERIFIER_HELPER_UNAVAILABLE: 'program',
  VERIFIER_REJECTED: 'program',

  // The live capture.
  LIVE_NO_EVENTS: 'program',
  LIVE_OPEN_MISSING: 'program',
  LIVE_OPEN_NO_ADDRESS: 'program',
  LIVE_DIRECTION_SWAPPED: 'program',
  LIVE_REQUEST_MISSING: 'program',
  LIVE_RESPONSE_MISSING: 'program',
  LIVE_CLOSE_MISSING: 'program',
  LIVE_CLOSE_UNMATCHED: 'program',
  LIVE_EXCHANGE_INCOMPLETE: 'program',
  LIVE_OTHER_PROCESSES: 'program',

  // The machine.
  ENV_PLATFORM: 'environment',
  ENV_PRIVILEGES: 'environment',
  ENV_LOCKDOWN: 'environment',
  ENV_TRACEFS: 'environment',
  ENV_HEADERS: 'environment',
  ENV_LIBBCC: 'environment',
  ENV_EBPF: 'environment',
  ENV_ATTACH_MODE: 'environment',
  ATTACH_FAILED: 'environment',
  NATIVE_BUILD_FAILED: 'environment',
  SERVER_FAILED: 'environment',

  // The workshop itself.
  INTERNAL: 'internal',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
