// What the kernel offers for hooking syscalls: kprobes on the syscall's kernel function (what
// the tutorial uses), or the syscall tracepoints (what a kernel without kprobes still has).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WorkshopError } from '../errors/workshopError.js';
import { readTextOrEmpty } from '../util/optionalFiles.js';

export interface KernelFeatures {
  /** kprobes can be created: through tracefs kprobe_events, or the kprobe perf PMU. */
  kprobes: boolean;
  /** syscalls:sys_enter_* / sys_exit_* tracepoints exist. */
  syscallTracepoints: boolean;
}

export type AttachMode = 'kprobe' | 'tracepoint';
export type AttachRequest = 'auto' | AttachMode;

export function detectFeatures(tracefsPath: string | null): KernelFeatures {
  const inTracefs = (rel: string) => tracefsPath !== null && existsSync(path.join(tracefsPath, rel));
  return {
    kprobes: inTracefs('kprobe_events') || existsSync('/sys/bus/event_source/devices/kprobe'),
    syscallTracepoints: inTracefs('events/syscalls/sys_enter_write'),
  };
}

/** Why a requested attach mode cannot be used (ENV_ATTACH_MODE), with what to do instead. */
function attachModeError(message: string, fix: string): WorkshopError {
  return new WorkshopError('ENV_ATTACH_MODE', message, { hint: fix });
}

/**
 * The attach mode to use: `auto` picks kprobes where the kernel has them, else the syscall
 * tracepoints. Forcing a mode the kernel lacks is an error naming the one that works.
 */
export function resolveAttachMode(requested: AttachRequest, features: KernelFeatures): AttachMode {
  if (requested === 'kprobe' && !features.kprobes) {
    throw attachModeError(
      'this kernel has no kprobes (no kprobe_events in tracefs and no kprobe event source), so --attach kprobe cannot work',
      features.syscallTracepoints ? 'use --attach tracepoint, or --attach auto' : 'use a kernel built with CONFIG_KPROBES=y',
    );
  }
  if (requested === 'tracepoint' && !features.syscallTracepoints) {
    throw attachModeError(
      'this kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS is off), so --attach tracepoint cannot work',
      features.kprobes ? 'use --attach kprobe, or --attach auto' : 'use a kernel built with CONFIG_KPROBES=y or CONFIG_FTRACE_SYSCALLS=y',
    );
  }
  if (requested !== 'auto') return requested;
  if (features.kprobes) return 'kprobe';
  if (features.syscallTracepoints) return 'tracepoint';
  throw attachModeError(
    'this kernel has neither kprobes nor syscall tracepoints, so no program can hook a syscall',
    'use a kernel built with CONFIG_KPROBES=y or CONFIG_FTRACE_SYSCALLS=y (any distribution kernel has both)',
  );
}

/** The prefix the kernel gives syscall entry functions on this architecture, as BCC picks it. */
export function syscallPrefix(arch: string): string {
  switch (arch) {
    case 'x64':
    case 'x86_64':
      return '__x64_sys_';
    case 'arm64':
    case 'aarch64':
      return '__arm64_sys_';
    case 's390x':
      return '__s390x_sys_';
    case 'riscv64':
      return '__riscv_sys_';
    default:
      return 'sys_';
  }
}

/**
 * The kernel function a kprobe on syscall `name` attaches to: the arch-prefixed one, or
 * plain `sys_<name>` on kernels without syscall wrappers (before 4.17); null when neither exists.
 */
export function chooseSyscallFunction(name: string, arch: string, symbolExists: (symbol: string) => boolean): string | null {
  const prefixed = syscallPrefix(arch) + name;
  if (symbolExists(prefixed)) return prefixed;
  const plain = `sys_${name}`;
  return symbolExists(plain) ? plain : null;
}

let kernelSymbols: Set<string> | undefined;

/** Function names from /proc/kallsyms containing "sys_", read once per process. */
function syscallSymbols(): Set<string> {
  if (kernelSymbols) return kernelSymbols;
  kernelSymbols = new Set();
  // Unreadable: every lookup answers null.
  for (const line of readTextOrEmpty('/proc/kallsyms').split('\n')) {
    // "ffffffff816b9120 T __x64_sys_write" (modules add a "[module]" column)
    const name = line.split(/\s+/)[2];
    if (name?.includes('sys_')) kernelSymbols.add(name);
  }
  return kernelSymbols;
}

/** The running kernel's function for syscall `name` (e.g. "__x64_sys_write"), or null. */
export function syscallKernelFunction(name: string): string | null {
  return chooseSyscallFunction(name, process.arch, (s) => syscallSymbols().has(s));
}
