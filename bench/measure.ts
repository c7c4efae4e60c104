// One measured run: a fresh generator, one consumer attached to the tutorial's program, the
// generator let go, and what the consumer saw. Also the demo server under wrk.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { LineProcess, TimeoutError } from './lineProcess.js';

const run = promisify(execFile);

/** How to start one consumer: every consumer takes `--pid P --count N --mode M` after these. */
export interface ConsumerCommand {
  key: 'runner' | 'pythonBcc' | 'cFloor' | 'cFloorPaced';
  label: string;
  command: string;
  args: string[];
}

export interface ReadyLine {
  type: 'ready';
  compileMs: number;
  [key: string]: unknown;
}

export interface ResultLine {
  type: 'result';
  events: number;
  lost: number;
  firstStampNs: number;
  lastReceiptNs: number;
  latenciesNs: number[];
  rssBytes?: number;
  cpuUs?: number;
  [key: string]: unknown;
}

export interface RunOutcome {
  ready: ReadyLine;
  result: ResultLine;
  /** Writes the generator made. */
  written: number;
  /** CPU of the consumer between "go" and its result, from /proc/<pid>/stat. */
  cpuUs: number;
  /** Events that reached the consumer, per second, from the first write to the last receipt. */
  eventsPerSec: number;
  /** The generator's own rate of writes. */
  writesPerSec: number;
  /** The consumer had to be told to stop: some events never came. */
  incomplete: boolean;
}

export interface RunPlan {
  count: number;
  /** Writes per second; 0 = full speed. */
  rate: number;
  mode: 'rate' | 'latency';
}

const READY_TIMEOUT_MS = 180_000;
/** After the generator is done, how long a consumer may take to report the last event. */
const SETTLE_MS = 3_000;

export async function measureRun(generator: string, consumer: ConsumerCommand, plan: RunPlan): Promise<RunOutcome> {
  const gen = LineProcess.spawn('the generator', generator, ['--count', String(plan.count), '--rate', String(plan.rate)]);
  let reader: LineProcess | undefined;
  try {
    const genPid = await gen.waitFor((line) => /^pid (\d+)$/.exec(line)?.[1], 10_000, 'its pid');
    reader = LineProcess.spawn(consumer.label, consumer.command, [
      ...consumer.args, '--pid', genPid, '--count', String(plan.count), '--mode', plan.mode,
    ]);
    const ready = await reader.waitForJson<ReadyLine>('ready', READY_TIMEOUT_MS);
    const cpuBefore = reader.cpuMicros();
    gen.send('go');
    const generatorTimeoutMs = plan.rate > 0 ? (plan.count / plan.rate) * 1000 + 60_000 : 300_000;
    const done = await gen.waitFor((line) => /^done (\d+) (\d+) (\d+)$/.exec(line) ?? undefined, generatorTimeoutMs, 'the end of its writes');
    const written = Number(done[1]);
    const writesPerSec = written / ((Number(done[3]) - Number(done[2])) / 1e9 || 1);
    let result: ResultLine;
    let incomplete = false;
    try {
      result = await reader.waitForJson<ResultLine>('result', SETTLE_MS);
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      incomplete = true;
      reader.send('stop');
      result = await reader.waitForJson<ResultLine>('result', 30_000);
    }
    const cpuUs = reader.cpuMicros() - cpuBefore;
    const seconds = (result.lastReceiptNs - result.firstStampNs) / 1e9;
    return {
      ready,
      result,
      written,
      cpuUs,
      eventsPerSec: seconds > 0 ? result.events / seconds : 0,
      writesPerSec,
      incomplete,
    };
  } finally {
    await reader?.stop();
    await gen.stop(2_000);
  }
}

export async function commandWorks(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** The share of the last `ms` the machine's CPUs were busy (all processes), 0..1. */
export async function machineBusy(ms = 1000): Promise<number> {
  const sample = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3]! + cpu[4]!;
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = sample();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
}
