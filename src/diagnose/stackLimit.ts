// The one limit learners meet both at compile time (LLVM: "Looks like the BPF stack limit of
// 512 bytes is exceeded") and at load time (the verifier's "combined stack size"): worded
// once, here.
import type { CSource } from '../c/cSource.js';

export const BPF_STACK_LIMIT = 512;

/**
 * What overflows the stack and what to do, naming the function and, when it shows, the cause;
 * `line` is where that cause is written (a DATA_LEN raised past the tutorial's 400).
 */
export function explainStackLimit(functionName: string | undefined, source?: CSource, bytes?: number): { cause: string; fix: string; line?: number } {
  const who = functionName ? `\`${functionName}\`` : 'Your program';
  const cause = bytes
    ? `${who} needs ${bytes} bytes of stack, more than the ${BPF_STACK_LIMIT} an eBPF program may use.`
    : `${who} needs more than the ${BPF_STACK_LIMIT} bytes of stack an eBPF program may use.`;
  const generic = 'Keep big buffers small, or keep them in a BPF_PERCPU_ARRAY map instead of in a local variable.';
  const dataLen = source?.defined('DATA_LEN');
  const size = dataLen ? Number(/^\d+\b/.exec(dataLen.value)?.[0]) : NaN;
  if (dataLen && !Number.isNaN(size)) {
    const holder = source!.aggregates().find((a) => /\[\s*DATA_LEN\s*\]/.test(source!.code.slice(a.bodyStart, a.bodyEnd)));
    const what = holder ? `${holder.kind} ${holder.name}, which holds DATA_LEN bytes,` : 'every event holding DATA_LEN bytes';
    if (size > 400) {
      return {
        cause,
        fix: `DATA_LEN is ${size}, so ${what} no longer fits on the stack: go back to the tutorial's 400. ${generic}`,
        line: dataLen.line,
      };
    }
  }
  return { cause, fix: `Its local variables are too big together. ${generic}` };
}
