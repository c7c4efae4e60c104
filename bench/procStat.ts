// CPU time as /proc tells it: a process's or a thread's, each core's. One clock tick is
// 1/CLK_TCK s (10 ms where USER_HZ is 100, as on every Linux we run on).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const TICK_MS = (() => {
  try {
    return 1000 / (Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);
  } catch {
    return 10;
  }
})();

/**
 * User + system ticks from a stat file (/proc/PID/stat, /proc/PID/task/TID/stat). Throws once
 * the process is gone, unless `gone` says what to count then.
 */
export function statTicks(statPath: string, gone?: number): number {
  let stat: string;
  try {
    stat = readFileSync(statPath, 'utf8');
  } catch (e) {
    if (gone !== undefined) return gone;
    throw e;
  }
  // Fields after the command (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks of each thread of `pid`, summed by thread name. */
export function threadTicks(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tasks) {
    let name = '?';
    try {
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    byName.set(name, (byName.get(name) ?? 0) + statTicks(`/proc/${pid}/task/${tid}/stat`, 0)); // a thread that just ended
  }
  return byName;
}

/** CPU ms of each thread name between two threadTicks() readings. */
export function threadMsBetween(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const ms: Record<string, number> = {};
  for (const [name, ticks] of after) ms[name] = (ticks - (before.get(name) ?? 0)) * TICK_MS;
  return ms;
}

/** Per core: [user+nice, system, irq+softirq, idle+iowait] ticks. */
export function coreTicks(): number[][] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      const [user, nice, system, idle, iowait, irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
      return [user! + nice!, system!, irq! + softirq!, idle! + iowait!];
    });
}

export interface CoreMs {
  userMs: number;
  systemMs: number;
  irqMs: number;
  idleMs: number;
}

/** Each core's ms between two coreTicks() readings. */
export function coreMsBetween(before: number[][], after: number[][]): CoreMs[] {
  return after.map((core, i) => {
    const [user, system, irq, idle] = core.map((v, j) => (v - before[i]![j]!) * TICK_MS) as [number, number, number, number];
    return { userMs: user, systemMs: system, irqMs: irq, idleMs: idle };
  });
}

/** The process's resident memory in KiB (VmRSS); NaN if it says none; throws once it is gone, unless `gone` says what to count then. */
export function rssKiB(pid: number, gone?: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (e) {
    if (gone !== undefined) return gone;
    throw e;
  }
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) : NaN;
}
