// The demo server under wrk with each consumer attached in turn, and bare: how many of the
// requests served come out as exchanges (runner: request and response together; the others
// count the server's requests and responses, the smaller of the two), the server's req/s,
// and where the machine's CPU time went meanwhile — the server, wrk, the consumer, and the
// rest (other processes, interrupts), per core.
import type { ChildProcess } from 'node:child_process';
import { NativeServer } from '../src/targets/nativeServer.js';
import { LineProcess } from './lineProcess.js';
import { coreMsBetween, coreTicks, statTicks, threadMsBetween, threadTicks, TICK_MS, type CoreMs } from './procStat.js';
import { runWrk, type WrkRun } from './wrk.js';
import type { ConsumerCommand } from './measure.js';

export interface CpuSplit {
  /** Wall time of the wrk run × CPUs, in ms: the whole budget. */
  budgetMs: number;
  serverMs: number;
  wrkMs: number;
  consumerMs: number;
  /** The consumer's threads by name (the runner: node's main thread, its perf pollers). */
  consumerThreadsMs: Record<string, number>;
  /** Busy time no process above accounts for: other processes, interrupts, softirq. */
  otherMs: number;
  idleMs: number;
  /** Per core: user, system, softirq + irq, idle, in ms. */
  cores: CoreMs[];
}

export interface CompletenessRow {
  key: ConsumerCommand['key'] | 'bare';
  wrk: WrkRun;
  /** Exchanges captured ÷ requests served (null: bare). */
  completeness: number | null;
  captured?: number;
  ingress?: number;
  egress?: number;
  lost?: number;
  lostExact?: boolean;
  cpu: CpuSplit;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/**
 * One wrk run: `wrk -t2 -c50 -d{seconds}s` POSTing the tutorial's request, with the CPU of
 * the server, wrk, the consumer (if any) and each core measured over it.
 */
async function wrkRun(server: NativeServer, url: string, script: string, seconds: number, consumerPid: number | null): Promise<{ wrk: WrkRun; cpu: CpuSplit }> {
  const sample = () => ({
    server: statTicks(`/proc/${server.pid}/stat`),
    consumer: consumerPid === null ? new Map<string, number>() : threadTicks(consumerPid),
    cores: coreTicks(),
    at: performance.now(),
  });
  const before = sample();
  // wrk's own CPU, read from /proc while it runs (it is gone once it exits and is reaped).
  let wrkTicks = 0;
  let watch: NodeJS.Timeout | undefined;
  const started = (child: ChildProcess) => (watch = setInterval(() => (wrkTicks = Math.max(wrkTicks, statTicks(`/proc/${child.pid}/stat`, 0))), 100)); // 0 once wrk is gone: its peak stays
  const wrk = await runWrk({ url, script, seconds, started }).finally(() => clearInterval(watch));
  const after = sample();

  const wallMs = after.at - before.at;
  const cores = coreMsBetween(before.cores, after.cores);
  const consumerThreadsMs = threadMsBetween(before.consumer, after.consumer);
  const serverMs = (after.server - before.server) * TICK_MS;
  const consumerMs = sum(Object.values(consumerThreadsMs));
  const wrkMs = wrkTicks * TICK_MS;
  const busyMs = sum(cores.map((c) => c.userMs + c.systemMs + c.irqMs));
  return {
    wrk,
    cpu: {
      budgetMs: Math.round(wallMs * cores.length),
      serverMs,
      wrkMs,
      consumerMs,
      consumerThreadsMs,
      otherMs: Math.max(0, busyMs - serverMs - wrkMs - consumerMs),
      idleMs: sum(cores.map((c) => c.idleMs)),
      cores,
    },
  };
}

interface WrkResult {
  ingress: number;
  egress: number;
  lost: number;
  completeExchanges?: number;
  lostExact?: boolean;
}

/**
 * Bare, then each consumer attached in turn, then bare again: a machine load that drifts
 * during the benchmark weighs on every side alike.
 */
export async function measureCompleteness(consumers: ConsumerCommand[], script: string, seconds: number, progress: (text: string) => void): Promise<CompletenessRow[]> {
  const server = await NativeServer.start({ port: 0 });
  const url = `${server.url}/customResponse`;
  const rows: CompletenessRow[] = [];
  try {
    const bare = async () => rows.push({ key: 'bare', completeness: null, ...(await wrkRun(server, url, script, seconds, null)) });
    progress(`demo server under wrk -t2 -c50, ${seconds} s: bare`);
    await bare();
    for (const consumer of consumers) {
      progress(`demo server under wrk -t2 -c50, ${seconds} s: ${consumer.label} attached`);
      const reader = LineProcess.spawn(consumer.label, consumer.command, [...consumer.args, '--pid', String(server.pid), '--count', consumer.key === 'runner' ? 'all' : '1000000000000']);
      try {
        await reader.waitForJson('ready', 180_000);
        const run = await wrkRun(server, url, script, seconds, reader.pid);
        reader.send('stop');
        const result = await reader.waitForJson<WrkResult & { type: string }>('result', 60_000);
        const captured = result.completeExchanges ?? Math.min(result.ingress, result.egress);
        rows.push({
          key: consumer.key,
          ...run,
          // Requests wrk sent just before its end can be served and captured without wrk
          // counting them: a share over 100 % is 100 %.
          completeness: Math.min(captured, run.wrk.requests) / run.wrk.requests,
          captured,
          ingress: result.ingress,
          egress: result.egress,
          lost: result.lost,
          ...(result.lostExact === undefined ? {} : { lostExact: result.lostExact }),
        });
      } finally {
        await reader.stop();
      }
    }
    progress(`demo server under wrk -t2 -c50, ${seconds} s: bare again`);
    await bare();
  } finally {
    await server.stop();
  }
  return rows;
}
