// Whether this process may load and attach BPF programs. Root has every capability; a
// process given only some (a container, setcap) needs CAP_BPF + CAP_PERFMON on 5.8+, and
// CAP_SYS_ADMIN before 5.8, where the two finer capabilities did not exist yet.
import { readFileSync } from 'node:fs';
import { atLeast, type Version } from './release.js';

export const CAP_SYS_ADMIN = 21;
export const CAP_PERFMON = 38;
export const CAP_BPF = 39;

const capabilityNames: Record<number, string> = {
  [CAP_SYS_ADMIN]: 'CAP_SYS_ADMIN',
  [CAP_PERFMON]: 'CAP_PERFMON',
  [CAP_BPF]: 'CAP_BPF',
};

/** The effective capability mask from the text of /proc/<pid>/status (its CapEff line); null when absent. */
export function effectiveCapabilities(statusText: string): bigint | null {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText);
  return m ? BigInt('0x' + m[1]) : null;
}

export function hasCapability(mask: bigint, capability: number): boolean {
  return ((mask >> BigInt(capability)) & 1n) === 1n;
}

export interface PrivilegeAssessment {
  ok: boolean;
  /** Capabilities this process would need but lacks, by name. */
  missing: string[];
  /** One line: what the process has, or what it lacks. */
  detail: string;
}

/** Decides from the capability mask and the kernel version; pure, so it is unit-tested. */
export function assessPrivileges(mask: bigint, kernel: Version, euid: number): PrivilegeAssessment {
  const who = euid === 0 ? 'root' : `uid ${euid}`;
  if (hasCapability(mask, CAP_SYS_ADMIN)) {
    return { ok: true, missing: [], detail: `${who} with CAP_SYS_ADMIN` };
  }
  const needed = atLeast(kernel, 5, 8) ? [CAP_BPF, CAP_PERFMON] : [CAP_SYS_ADMIN];
  const missing = needed.filter((c) => !hasCapability(mask, c)).map((c) => capabilityNames[c]!);
  if (missing.length === 0) {
    return { ok: true, missing, detail: `${who} with CAP_BPF and CAP_PERFMON` };
  }
  return { ok: false, missing, detail: `${who} without ${missing.join(' and ')}` };
}

/** This process's own privileges. */
export function readPrivileges(kernel: Version): PrivilegeAssessment {
  const mask = effectiveCapabilities(readFileSync('/proc/self/status', 'utf8')) ?? 0n;
  return assessPrivileges(mask, kernel, process.geteuid?.() ?? -1);
}
