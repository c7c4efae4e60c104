// `npm run bench`: the runner's event pipeline against python-bcc and a bare C consumer on
// libbcc, side by side in one run, on the tutorial's solution.c in this kernel's attach mode.
// The method is in bench/README.md; the numbers of a run here are in docs/performance.md.
//
// Options: --json (the last line is the summary object), --events N (full-speed run,
// default 1 000 000; 0 skips it), --latency-events N (at 10/s, default 100; 0 skips it), --rounds N (full-speed runs
// per consumer, interleaved; the median counts), --compile-samples N (extra starts of the
// compiling consumers, alternately, for the compile time; default 15), --wrk-seconds N, --no-wrk,
// --no-app (skip the app in tmux under wrk),
// --consumers runner,pythonBcc,cFloor,cFloorPaced, --no-build (use dist/ as it is).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareKernel, isEnvironmentError } from '../src/kernel/environment.js';
import { describeProblem, formatProblem } from '../src/errors/problem.js';
import { kernelSourceFor } from '../src/engine/compilerProcess.js';
import { Sniffer, ringPages } from '../src/sniffer/sniffer.js';
import { defaultPerfBufferOptions } from '../src/engine/perfOutput.js';
import { nativeBinDir, packageRoot } from '../src/native/addon.js';
import { loadTrack } from '../src/tracks/tracks.js';
import { LineProcess } from './lineProcess.js';
import { measureCompleteness, type CompletenessRow } from './completeness.js';
import { measureAppUnderWrk, type AppUnderWrk } from './appUnderWrk.js';
import { commandWorks, machineBusy, measureRun, type ConsumerCommand, type ReadyLine, type RunOutcome } from './measure.js';
import { formatTable, median, percentile, targetsOf, type BenchSummary, type ConsumerSummary } from './report.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '1000000' },
    'latency-events': { type: 'string', default: '100' },
    'latency-rate': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    'compile-samples': { type: 'string', default: '15' },
    'wrk-seconds': { type: 'string', default: '8' },
    wrk: { type: 'boolean', default: true },
    app: { type: 'boolean', default: true },
    consumers: { type: 'string', default: 'runner,pythonBcc,cFloor,cFloorPaced' },
    build: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const events = Number(values.events);
const latencyEvents = Number(values['latency-events']);
const latencyRate = Number(values['latency-rate']);
const rounds = Math.max(1, Number(values.rounds));
const compileSamples = Math.max(0, Number(values['compile-samples']));
const wrkSeconds = Number(values['wrk-seconds']);
const wanted = new Set(values.consumers.split(','));
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

if (process.geteuid?.() !== 0) {
  console.error('bench: loading BPF programs needs root: run `sudo npm run bench`.');
  process.exit(2);
}

const generator = path.join(nativeBinDir, 'bench-generator');
const cConsumer = path.join(nativeBinDir, 'bench-c-consumer');
const solution = path.join(packageRoot, 'solution.c');
for (const binary of [generator, cConsumer]) {
  try {
    readFileSync(binary);
  } catch {
    console.error(`bench: ${binary} is missing: build it with \`npm run build:native\`.`);
    process.exit(2);
  }
}

// The runner is measured as shipped: the built JavaScript in dist/, under plain node.
if (values.build) {
  progress('building the runner (tsc → dist/)');
  try {
    execFileSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(packageRoot, 'tsconfig.json')], { stdio: 'ignore' });
  } catch {
    // Type errors elsewhere in the tree still leave the JavaScript emitted; a missing file is caught below.
  }
}
if (!existsSync(path.join(packageRoot, 'dist', 'capture', 'capture.js'))) {
  console.error('bench: the runner is not built (dist/ is missing): run `npm run build:ts`.');
  process.exit(2);
}

const loadStart = os.loadavg()[0]!;
const busyBeforeStart = await machineBusy();
const notes: string[] = [];

// The program every consumer runs: solution.c as the runner compiles it for this kernel.
let environment;
try {
  environment = await prepareKernel();
} catch (e) {
  console.error(isEnvironmentError(e) ? formatProblem(describeProblem(e)) : `bench: ${(e as Error).message}`);
  process.exit(2);
}
// The workshop hands its header tree to each compile and leaves the environment alone; the peers
// (python-bcc) are separate programs that find headers only through BCC_KERNEL_SOURCE, so the
// bench gives them the same tree the runner compiles against.
const kernelSource = kernelSourceFor();
if (kernelSource) process.env.BCC_KERNEL_SOURCE = kernelSource;
progress(`${environment.attachMode} mode; compiling solution.c once to export the source every consumer runs`);
const exporter = await Sniffer.build({ text: readFileSync(solution, 'utf8'), fileName: 'solution.c' }, environment.attachMode);
const workDir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-workshop-bench-'));
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
const adapted = path.join(workDir, 'solution.compiled.c');
writeFileSync(adapted, exporter.compiledSource);
// The ring settings the runner's capture uses, per output, for the C floor to use the same.
const opened = exporter.capture(() => {}, { events: loadTrack('http').events, keepPid: () => false }).outputs;
const settingsOf = (name: string) => opened.find((o) => o.name === name)?.settings ?? { ...defaultPerfBufferOptions, pageCount: ringPages(opened.length) };
const settings = settingsOf('socket_data_events');
const otherPages = settingsOf('socket_open_events').pageCount;
exporter.close();
if (environment.attachMode !== 'tracepoint') {
  notes.push(`attach mode is ${environment.attachMode}: python-bcc and the C floor attach tracepoint__ functions only, so they were not run`);
}

const floorArgs = [
  adapted, '--pages', String(settings.pageCount), '--other-pages', String(otherPages),
  '--wakeup', String(settings.wakeupEvents), '--flush-ms', String(settings.flushMs), '--realtime', 'yes',
];
const consumers: ConsumerCommand[] = [
  { key: 'runner', label: 'the runner', command: process.execPath, args: [path.join(packageRoot, 'bench', 'runner_consumer.mjs'), solution] },
  { key: 'pythonBcc', label: 'python-bcc', command: '/usr/bin/python3', args: [path.join(packageRoot, 'bench', 'python_bcc_consumer.py'), adapted, '--pages', '64'] },
  { key: 'cFloor', label: 'the C floor', command: cConsumer, args: floorArgs },
  // The same floor reading the way the runner's poller does: 1 ms between polls that read
  // events (kPollPacingNs in addon/perf_buffer.cc), so the reading strategy is not what differs.
  { key: 'cFloorPaced', label: 'the C floor, paced', command: cConsumer, args: [...floorArgs, '--pace-us', '1000'] },
].filter((c) => wanted.has(c.key)) as ConsumerCommand[];

const runnable: ConsumerCommand[] = [];
for (const consumer of consumers) {
  if (consumer.key !== 'runner' && environment.attachMode !== 'tracepoint') continue;
  if (consumer.key === 'pythonBcc' && !(await commandWorks('/usr/bin/python3', ['-c', 'from bcc import BPF']))) {
    notes.push('python-bcc was not run: /usr/bin/python3 cannot import bcc (install python3-bpfcc)');
    continue;
  }
  runnable.push(consumer);
}

const full = new Map<string, RunOutcome[]>();
const slow = new Map<string, RunOutcome>();
const compileMs = new Map<string, number[]>();
const noteCompile = (key: string, ready: ReadyLine) => compileMs.set(key, [...(compileMs.get(key) ?? []), ready.compileMs]);
/** How long the runner's compiler process took to come up, before its clock started. */
const compilerStartMs: number[] = [];

for (let round = 1; round <= rounds && events > 0; round++) {
  for (const consumer of runnable) {
    progress(`round ${round}/${rounds}: ${consumer.label}, ${events.toLocaleString('en-US')} writes at full speed`);
    const outcome = await measureRun(generator, consumer, { count: events, rate: 0, mode: 'rate' });
    full.set(consumer.key, [...(full.get(consumer.key) ?? []), outcome]);
    noteCompile(consumer.key, outcome.ready);
    if (typeof outcome.ready.compilerStartMs === 'number') compilerStartMs.push(outcome.ready.compilerStartMs);
    progress(
      `  ${Math.round(outcome.eventsPerSec).toLocaleString('en-US')} events/s, ${outcome.result.lost} lost, ` +
        `${(outcome.cpuUs / Math.max(1, outcome.result.events)).toFixed(2)} µs CPU/event (load ${os.loadavg()[0]!.toFixed(2)})`,
    );
  }
}
// Compile + load + attach moves by ±10 % from run to run here: besides the full-speed
// rounds, consumers that compile start and stop alternately a few more times, for a median
// with fewer outliers and no machine state of one consumer's run left to the next's start.
const compiling = runnable.filter((c) => c.key === 'runner' || c.key === 'pythonBcc');
for (let sample = 1; sample <= compileSamples && compiling.length > 0; sample++) {
  progress(`compile + load + attach, sample ${sample}/${compileSamples}: ${compiling.map((c) => c.label).join(', ')}`);
  for (const consumer of compiling) {
    const alone = LineProcess.spawn(consumer.label, consumer.command, [...consumer.args, '--pid', '1', '--count', '1']);
    try {
      const ready = await alone.waitForJson<ReadyLine>('ready', 180_000);
      noteCompile(consumer.key, ready);
      if (typeof ready.compilerStartMs === 'number') compilerStartMs.push(ready.compilerStartMs);
    } finally {
      await alone.stop();
    }
  }
}
for (const consumer of latencyEvents > 0 ? runnable : []) {
  progress(`${consumer.label}: ${latencyEvents} writes at ${latencyRate}/s for latency`);
  const outcome = await measureRun(generator, consumer, { count: latencyEvents, rate: latencyRate, mode: 'latency' });
  slow.set(consumer.key, outcome);
  noteCompile(consumer.key, outcome.ready);
}

// The demo server under wrk -t2 -c50 with the runner, the C floor and python-bcc attached in
// turn (bare before and after): exchanges captured ÷ requests served, the server's req/s,
// and where the CPU time went (bench/completeness.ts).
const server: BenchSummary['server'] = { attachedOverBare: null };
let completeness: CompletenessRow[] = [];
if (values.wrk && runnable.some((c) => c.key === 'runner')) {
  if (!(await commandWorks('sh', ['-c', 'command -v wrk']))) {
    notes.push('the demo server was not measured: wrk is not installed');
  } else {
    const attached = (['runner', 'cFloor', 'pythonBcc'] as const).flatMap((key) => runnable.filter((c) => c.key === key));
    completeness = await measureCompleteness(attached, path.join(packageRoot, 'bench', 'wrk-post.lua'), wrkSeconds, progress);
    const rate = (key: string) => {
      const rates = completeness.filter((row) => row.key === key).map((row) => row.wrk.requestsPerSec);
      return rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
    };
    const bare = rate('bare');
    const withRunner = rate('runner');
    const withFloor = rate('cFloor');
    if (bare && withRunner) {
      server.bareRequestsPerSec = Math.round(bare);
      server.attachedRequestsPerSec = Math.round(withRunner);
      server.attachedOverBare = Number((withRunner / bare).toFixed(3));
      if (withFloor) server.floorAttachedOverBare = Number((withFloor / bare).toFixed(3));
    }
  }
}

// The app itself (dist/, in tmux at 120×40, solution.c at level 4) under the same wrk, keys
// pressed meanwhile: key → screen latency and its memory (bench/appUnderWrk.ts).
let app: AppUnderWrk | null = null;
if (values.app) {
  if (!(await commandWorks('sh', ['-c', 'command -v wrk && command -v tmux']))) notes.push('the app under wrk was not measured: it needs wrk and tmux');
  else app = await measureAppUnderWrk({ packageRoot, script: path.join(packageRoot, 'bench', 'wrk-post.lua'), seconds: wrkSeconds, progress });
}

function summarize(key: string): ConsumerSummary | null {
  const runs = full.get(key);
  const latency = slow.get(key);
  if (!runs || !latency) return null;
  // The median full-speed run by rate stands for the consumer; lost counts every run.
  const ordered = [...runs].sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  const mid = ordered[Math.floor((ordered.length - 1) / 2)]!;
  const latenciesMs = latency.result.latenciesNs.map((ns) => ns / 1e6);
  if (latency.result.events < latencyEvents) notes.push(`${key}: ${latency.result.events} of ${latencyEvents} slow-stream events arrived`);
  for (const run of runs) {
    if (run.incomplete) notes.push(`${key}: ${run.result.events} of ${run.written} events arrived in a full-speed run`);
    // The runner says whether it paused reading because JavaScript was too far behind.
    const perf = run.result.perfStats as { lost: number; backlogWaits: number }[] | undefined;
    if (run.result.lost > 0 && perf) {
      notes.push(`${key}: lost ${run.result.lost} (by output: ${perf.map((p) => p.lost).join('/')}; waits for JavaScript: ${perf.map((p) => p.backlogWaits).join('/')})`);
    }
  }
  return {
    eventsPerSec: Math.round(mid.eventsPerSec),
    lost: runs.reduce((sum, r) => sum + r.result.lost, 0),
    cpuUsPerEvent: Number((mid.cpuUs / Math.max(1, mid.result.events)).toFixed(3)),
    latencyP50Ms: Number(percentile(latenciesMs, 50).toFixed(2)),
    latencyP99Ms: Number(percentile(latenciesMs, 99).toFixed(2)),
  };
}

const runnerRuns = full.get('runner');
const millionRun = runnerRuns?.find((r) => r.written >= 1_000_000);
const rssAfter = millionRun?.result.rssBytes;
const rssSettled = millionRun?.result.rssSettledBytes as number | undefined;
if (runnerRuns && rssAfter === undefined) notes.push('resident memory is reported after 1 M writes only: run with --events 1000000 or more');
const compileOf = (key: string) => (compileMs.has(key) ? Math.round(median(compileMs.get(key)!)) : null);

const partial = {
  runner: summarize('runner'),
  pythonBcc: summarize('pythonBcc'),
  cFloor: summarize('cFloor'),
  cFloorPaced: summarize('cFloorPaced'),
  compileMs: {
    runner: compileOf('runner'),
    pythonBcc: compileOf('pythonBcc'),
  },
  rssMbAfter1M: rssAfter === undefined ? null : Number((rssAfter / 2 ** 20).toFixed(1)),
  completeness,
  app,
};
const rssAtReady = (millionRun?.ready.memory as { rssAnon: number; rssFile: number } | undefined);
const summary: BenchSummary = {
  ...partial,
  ...(compilerStartMs.length > 0 ? { runnerCompilerStartMs: Math.round(median(compilerStartMs)) } : {}),
  compileMsSamples: Object.fromEntries([...compileMs].map(([key, samples]) => [key, samples.map(Math.round)])),
  server,
  load: { loadAverage1mStart: loadStart, loadAverage1mEnd: os.loadavg()[0]!, busyBeforeStart: Number(busyBeforeStart.toFixed(2)), cpus: os.cpus().length },
  targets: targetsOf(partial),
  notes,
};
if (rssSettled !== undefined) summary.rssMbSettled = Number((rssSettled / 2 ** 20).toFixed(1));
// The others' memory at the end of their own 1 M-event run, for scale.
for (const key of ['pythonBcc', 'cFloor', 'cFloorPaced'] as const) {
  const bytes = full.get(key)?.find((r) => r.written >= 1_000_000)?.result.rssBytes;
  if (bytes !== undefined) (summary.rssMbOthersAfter1M ??= {})[key] = Number((bytes / 2 ** 20).toFixed(1));
}
if (rssAtReady) summary.rssMbAtAttach = Number(((rssAtReady.rssAnon + rssAtReady.rssFile) / 2 ** 20).toFixed(1));
notes.push(
  `ring settings: runner and C floor ${settings.pageCount} pages per CPU for data events (${otherPages} for the others), a wake-up every ${settings.wakeupEvents} events, ` +
    `${settings.flushMs} ms flush, reader at real-time priority; python-bcc 64 pages, a wake-up per event`,
);

console.log(formatTable(summary));
if (values.json) console.log(JSON.stringify(summary));
