// The full-screen app's JavaScript thread a little ahead of the load it watches. On a machine
// of 2 CPUs, wrk and the demo server take all the CPU there is; at the same nice value as them,
// the thread that reads the keys and draws the screen got about a third of a core, and a key
// waited 150–400 ms (p90) for its frame. Nice -5 on that thread alone (Linux sets a nice value
// per thread) brought it under 100 ms. The perf pollers have their own, real-time, priority.
// Processes started from this thread would inherit it: they are put back to where it started.
import os from 'node:os';

let basePriority: number | null = null;

/** Raises the calling thread's priority by `steps` nice levels, if allowed (root); quietly does nothing if not. */
export function raiseInteractivePriority(steps = 5): void {
  if (basePriority !== null || process.platform !== 'linux') return;
  try {
    const base = os.getPriority(0);
    os.setPriority(0, Math.max(-20, base - steps));
    basePriority = base;
  } catch {
    // Not allowed (not root, no CAP_SYS_NICE): the app works the same, less promptly under load.
  }
}

/** A child spawned from this thread gets the nice value the thread had before it was raised. */
export function atBasePriority(pid: number | undefined): void {
  if (basePriority === null || pid === undefined) return;
  try {
    os.setPriority(pid, basePriority);
  } catch {
    // It has exited already, or is not ours to change: nothing to put back.
  }
}
