// Other processes as the live tests look at them: alive or gone, and whom they run as.
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { waitUntil } from './waitUntil.js';

/** Does a process with this pid exist (signal 0 reaches it)? */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `withinMs` for the process to be gone; says whether it is. */
export async function exitsWithin(pid: number, withinMs: number): Promise<boolean> {
  return waitUntil(() => !isRunning(pid), withinMs);
}

/** The process's real, effective, saved and filesystem uids (/proc/PID/status). */
export function uidsOf(pid: number): number[] {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return /^Uid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/).map(Number);
}

/** How many threads the process has now (/proc/PID/status). */
export function threadsOf(pid: number): number {
  return Number(/^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

const sudoRestored = new WeakSet<Test>();

/**
 * Runs the rest of the test as if under sudo by SUDO_UID, SUDO_GID and SUDO_USER (null: not
 * under sudo); the variables are put back as they were before the test's first call when it ends.
 */
export function asIfSudo(t: Test, ids: { uid: string; gid: string; user?: string } | null): void {
  if (!sudoRestored.has(t)) {
    sudoRestored.add(t);
    const saved = { SUDO_UID: process.env.SUDO_UID, SUDO_GID: process.env.SUDO_GID, SUDO_USER: process.env.SUDO_USER };
    t.teardown(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
  }
  delete process.env.SUDO_UID;
  delete process.env.SUDO_GID;
  delete process.env.SUDO_USER;
  if (ids) {
    process.env.SUDO_UID = ids.uid;
    process.env.SUDO_GID = ids.gid;
    if (ids.user !== undefined) process.env.SUDO_USER = ids.user;
  }
}

/** The pid of a child of `pid` whose command name (/proc/PID/comm) is `comm`, if one runs. */
export function childNamed(pid: number, comm: string): number | undefined {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number).find((child) => {
    try {
      return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}
