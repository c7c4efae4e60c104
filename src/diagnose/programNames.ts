// The verifier and LLVM name the function they compiled, which in tracepoint mode is the
// adapter's `tracepoint__syscalls__sys_exit_read`, not the learner's `syscall__probe_ret_read`.
import { hookName } from '../hooks/hookNames.js';
import { parseTracepointProgramName } from '../hooks/tracepointFormat.js';

/** The learner's name for a compiled function; other names come back unchanged. */
export function learnerFunctionName(programName: string): string {
  const program = parseTracepointProgramName(programName);
  return program ? hookName(program.phase === 'enter' ? 'entry' : 'return', program.syscall) : programName;
}
