// The CPUs a perf output needs a ring for: the online ones, as the kernel lists them ("0-3,6");
// and how many copies a per-CPU map keeps: one per possible CPU.
import { readFileSync } from 'node:fs';

export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [from, to] = part.split('-').map(Number);
    if (!Number.isInteger(from)) throw new Error(`cannot read the CPU list "${text.trim()}"`);
    for (let cpu = from!; cpu <= (to ?? from!); cpu++) cpus.push(cpu);
  }
  return cpus;
}

export function onlineCpus(): number[] {
  return parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
}

/** How many values a per-CPU map holds per key: one for each possible CPU, online or not. */
export function possibleCpuCount(): number {
  const cpus = parseCpuList(readFileSync('/sys/devices/system/cpu/possible', 'utf8'));
  return Math.max(...cpus) + 1;
}
