// The running kernel's release string and version numbers, and version comparison for the
// few places that depend on them (capabilities before 5.8, the oldest kernel we support).
import os from 'node:os';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** `uname -r` of the running kernel, e.g. "6.18.44-fc-v595". */
export function kernelRelease(): string {
  return os.release();
}

/** The leading x.y.z of a kernel release or library version ("6.1.0-56-amd64" → 6.1.0); null when there is none. */
export function parseVersion(text: string): Version | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `version` is at least major.minor(.patch). */
export function atLeast(version: Version, major: number, minor: number, patch = 0): boolean {
  return compareVersions(version, { major, minor, patch }) >= 0;
}
