// The verifier and LLVM name the function they compiled, which in tracepoint mode is the
// adapter's `tracepoint__syscalls__sys_exit_read`, not the learner's `syscall__probe_ret_read`.
import { hookName } from '../hooks/hookNames.js';

const TRACEPOINT_PROGRAM = /^tracepoint__syscalls__sys_(enter|exit)_([A-Za-z0-9_]+)$/;

/** The learner's name for a compiled function; other names come back unchanged. */
export function learnerFunctionName(programName: string): string {
  const m = TRACEPOINT_PROGRAM.exec(programName);
  return m ? hookName(m[1] === 'enter' ? 'entry' : 'return', m[2]!) : programName;
}
