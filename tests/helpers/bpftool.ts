// The kernel's own lists of loaded BPF programs and of attached probes, to prove we leave nothing behind.
import { execFileSync } from 'node:child_process';

export interface LoadedProgram {
  id: number;
  name?: string;
  type: string;
}

export function loadedPrograms(): LoadedProgram[] {
  const out = execFileSync('bpftool', ['prog', 'show', '--json'], { encoding: 'utf8' });
  return JSON.parse(out || '[]') as LoadedProgram[];
}

/** Names the kernel gives our programs (BCC truncates a function name to 15 characters). */
export function programsNamed(prefix: string): LoadedProgram[] {
  return loadedPrograms().filter((p) => p.name?.startsWith(prefix.slice(0, 15)));
}

/** A probe attached through perf (kprobe, uprobe, tracepoint…), as `bpftool perf show` lists it. */
export interface PerfAttachment {
  pid: number;
  fd_type: string;
}

/** The probes process `pid` holds attached. */
export function perfAttachmentsOf(pid: number): PerfAttachment[] {
  const out = execFileSync('bpftool', ['perf', 'show', '--json'], { encoding: 'utf8' });
  return (JSON.parse(out || '[]') as PerfAttachment[]).filter((a) => a.pid === pid);
}
