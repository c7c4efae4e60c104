// The hooks of a learner's program as the sniffer attaches them: on a system call (a kprobe on
// its kernel function, or its syscall tracepoint) or on a function of a library the target
// process maps (a uprobe or uretprobe, the TLS track's hooks on OpenSSL).
import type { Attachment } from '../engine/bpfProgram.js';
import { CSource } from '../c/cSource.js';
import type { HookKind } from '../hooks/hookNames.js';

interface HookBase {
  /** The learner's function name, e.g. `syscall__probe_entry_read`, `probe_ret_ssl_read`. */
  name: string;
  /** entry: runs when the call starts (sees its arguments); return: when it returns (its result). */
  kind: HookKind;
  /** The function to load from the compiled module (differs in tracepoint mode). */
  programName: string;
  /** 1-based line of the function in the learner's file. */
  line: number;
}

/** A hook on a system call: a kprobe on its kernel function, or its syscall tracepoint. */
export interface SyscallHook extends HookBase {
  via: 'syscall';
  syscall: string;
}

/** A hook on a function of a library the target maps: a uprobe (entry) or uretprobe (return). */
export interface UprobeHook extends HookBase {
  via: 'uprobe';
  /** The library's short name: `ssl` is the target's libssl.so*. */
  library: string;
  symbol: string;
}

export type Hook = SyscallHook | UprobeHook;

/** A uprobe hook as a track names it: the learner's function, and where it attaches. */
export interface UprobeHookSpec {
  name: string;
  library: string;
  symbol: string;
  /** true: a uretprobe. */
  return: boolean;
}

/**
 * The original runner's pid filter: a one-entry `BPF_PERCPU_ARRAY(pid, int, 1)` the program
 * consults before submitting, holding the traced process's pid (or -1: every process).
 */
export const PID_FILTER_MAP = 'pid';

export type AttachedHook = Hook & { attachment: Attachment };

/** The uprobe hooks of `specs` that `text` defines, in source order. */
export function uprobeHooks(source: string | CSource, specs: UprobeHookSpec[]): UprobeHook[] {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  return (typeof source === 'string' ? new CSource(source) : source).functions().flatMap((definition): UprobeHook[] => {
    const spec = byName.get(definition.name);
    if (!spec) return [];
    return [{
      via: 'uprobe', name: spec.name, kind: spec.return ? 'return' : 'entry', library: spec.library, symbol: spec.symbol,
      programName: spec.name, line: definition.line,
    }];
  });
}
