// Whether this machine can run eBPF at all, and the circumstances that explain why not:
// another OS, a kernel too old or built without the bpf syscall, a container without
// privileges, WSL, and kernel lockdown (Secure Boot).
import { existsSync } from 'node:fs';
import { readTextOrEmpty } from '../util/optionalFiles.js';
import { atLeast, type Version } from './release.js';

/** The oldest kernel the workshop supports: perf buffers, tracepoint programs, bpf_probe_read_str. */
export const MIN_KERNEL = { major: 4, minor: 9 } as const;

export interface PlatformFacts {
  os: string;
  kernel: Version | null;
  release: string;
  /** The bpf() syscall is built in: its sysctl (/proc/sys/kernel/unprivileged_bpf_disabled) exists. */
  bpfSyscall: boolean;
}

export interface PlatformAssessment {
  ok: boolean;
  detail: string;
  fix: string | null;
}

/** Pure: decides from facts, so it is unit-tested. */
export function assessPlatform(facts: PlatformFacts): PlatformAssessment {
  if (facts.os !== 'linux') {
    return { ok: false, detail: `eBPF needs Linux; this is ${facts.os}`, fix: 'run the workshop in a Linux VM (e.g. multipass, UTM, or a cloud VM)' };
  }
  if (!facts.kernel || !atLeast(facts.kernel, MIN_KERNEL.major, MIN_KERNEL.minor)) {
    return {
      ok: false,
      detail: `kernel ${facts.release} is too old: the workshop needs ${MIN_KERNEL.major}.${MIN_KERNEL.minor} or newer`,
      fix: 'upgrade the kernel, or use a VM with a current distribution',
    };
  }
  if (!facts.bpfSyscall) {
    return {
      ok: false,
      detail: `kernel ${facts.release} was built without the bpf() syscall (CONFIG_BPF_SYSCALL)`,
      fix: 'use a distribution kernel (they all enable CONFIG_BPF_SYSCALL)',
    };
  }
  return { ok: true, detail: `Linux ${facts.release}`, fix: null };
}

export function readPlatformFacts(release: string, kernel: Version | null): PlatformFacts {
  return {
    os: process.platform,
    kernel,
    release,
    bpfSyscall: existsSync('/proc/sys/kernel/unprivileged_bpf_disabled'),
  };
}

/** "docker", "podman", "container", "wsl", or null: what to mention when privileges fall short. */
export function detectConfinement(): string | null {
  if (/microsoft/i.test(readTextOrEmpty('/proc/version'))) return 'wsl';
  if (existsSync('/run/.containerenv')) return 'podman';
  if (existsSync('/.dockerenv')) return 'docker';
  if (/docker|kubepods|containerd|lxc/.test(readTextOrEmpty('/proc/1/cgroup'))) return 'container';
  return null;
}

export type LockdownMode = 'none' | 'integrity' | 'confidentiality';

/** The active mode in /sys/kernel/security/lockdown ("none [integrity] confidentiality"); null when unknown. */
export function parseLockdown(text: string): LockdownMode | null {
  const active = /\[(\w+)\]/.exec(text)?.[1];
  return active === 'none' || active === 'integrity' || active === 'confidentiality' ? active : null;
}

export function readLockdown(): LockdownMode | null {
  return parseLockdown(readTextOrEmpty('/sys/kernel/security/lockdown'));
}
