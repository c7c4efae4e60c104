// Where tracefs is mounted, and mounting it when it is not. BCC reads tracepoint ids and
// writes kprobe_events there, and cannot even compile a program without it. libbcc 0.26+
// accepts /sys/kernel/debug/tracing or /sys/kernel/tracing; older libbcc only the former.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';

export const TRACEFS_PATH = '/sys/kernel/tracing';
export const DEBUGFS_PATH = '/sys/kernel/debug';
export const DEBUGFS_TRACEFS_PATH = '/sys/kernel/debug/tracing';

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** Octal escapes the kernel uses in /proc/mounts for space, tab, newline and backslash. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses the text of /proc/mounts. */
export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [source, target, fstype, options] = fields.map(unescapeMountField) as [string, string, string, string];
    entries.push({ source, target, fstype, options });
  }
  return entries;
}

export function isMounted(mounts: MountEntry[], fstype: string, target: string): boolean {
  return mounts.some((m) => m.fstype === fstype && m.target === target);
}

/**
 * The tracefs directory BCC will use, from the mount table: /sys/kernel/tracing first, then
 * the one under debugfs — unless the libbcc is older than 0.26, which knows only the latter.
 * `debugTracingPresent` says whether debug/tracing answers (it is an automount, so it may be
 * missing from /proc/mounts until first touched).
 */
export function chooseTracefs(
  mounts: MountEntry[],
  debugTracingPresent: boolean,
  onlyDebugPath: boolean,
): string | null {
  const debugPath =
    isMounted(mounts, 'tracefs', DEBUGFS_TRACEFS_PATH) ||
    (isMounted(mounts, 'debugfs', DEBUGFS_PATH) && debugTracingPresent);
  if (!onlyDebugPath && isMounted(mounts, 'tracefs', TRACEFS_PATH)) return TRACEFS_PATH;
  return debugPath ? DEBUGFS_TRACEFS_PATH : null;
}

export interface TracefsState {
  /** Where tracefs is, or null when it is not mounted. */
  path: string | null;
  /** What was done to get there, e.g. "mounted tracefs at /sys/kernel/tracing"; null when nothing was. */
  action: string | null;
  /** Why mounting failed, when it was tried and failed. */
  error: string | null;
  /** The command that mounts it by hand. */
  mountCommand: string;
}

function currentTracefs(onlyDebugPath: boolean): string | null {
  const mounts = parseMounts(readFileSync('/proc/mounts', 'utf8'));
  // Touching debug/tracing triggers its automount when debugfs is mounted.
  const debugTracingPresent = existsSync(`${DEBUGFS_TRACEFS_PATH}/events`);
  return chooseTracefs(mounts, debugTracingPresent, onlyDebugPath);
}

async function runMount(args: string[]): Promise<string | null> {
  try {
    await promisify(execFile)('mount', args, { timeout: 30_000 });
    return null;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.toString().trim();
    return stderr || (err as Error).message;
  }
}

/**
 * Finds tracefs and, when `mount` is true and it is missing, mounts it: tracefs itself at
 * /sys/kernel/tracing, or debugfs at /sys/kernel/debug for a libbcc older than 0.26.
 */
export async function ensureTracefs(options: { mount: boolean; onlyDebugPath: boolean }): Promise<TracefsState> {
  const mountArgs = options.onlyDebugPath
    ? ['-t', 'debugfs', 'nodev', DEBUGFS_PATH]
    : ['-t', 'tracefs', 'nodev', TRACEFS_PATH];
  const mountCommand = `sudo mount ${mountArgs.join(' ')}`;
  const found = currentTracefs(options.onlyDebugPath);
  if (found || !options.mount) return { path: found, action: null, error: null, mountCommand };

  const error = await runMount(mountArgs);
  const path = currentTracefs(options.onlyDebugPath);
  if (!path) return { path: null, action: null, error: error ?? 'mount reported success but tracefs is still missing', mountCommand };
  const what = options.onlyDebugPath ? `debugfs at ${DEBUGFS_PATH}` : `tracefs at ${TRACEFS_PATH}`;
  return { path, action: `mounted ${what}`, error: null, mountCommand };
}
