// The runner's consumer in `npm run bench`: the tutorial's program run the way `run` and the
// app run it — prepareKernel, Sniffer.build (compiled and loaded by bcc-build, as LiveSession
// does), every hook attached, and a Capture (addon → decode → reorder → ConnectionTracker)
// showing one process. It speaks the line protocol of the other consumers
// (bench/python_bcc_consumer.py, addon/bench_c_consumer.c):
//
//   runner_consumer.mjs SOURCE --pid PID --count N [--mode rate|latency]
//   stdout: {"type":"ready",…} once attached, {"type":"result",…} once N data events of PID
//   came out of the Capture (what the app shows), or when stdin says "stop" or closes (then
//   after the final drain: every event the hooks submitted received or counted lost).
//   `--count all` runs until told to stop (the demo server under wrk).
//
// Receipt is timed when the Capture emits 'events' — after the reorder window, since that is
// when the app can show an event.
//
// It is plain JavaScript on the built runner (dist/, `npm run build:ts`), run by plain node:
// the runner's memory and CPU as shipped, without a TypeScript loader in the process.
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { prepareKernel } from '../dist/kernel/environment.js';
import { warmUpCompiler } from '../dist/engine/compilerProcess.js';
import { Sniffer } from '../dist/sniffer/sniffer.js';
import { Capture } from '../dist/capture/capture.js';
import { monotonicNowNs } from '../dist/capture/reorderBuffer.js';
import { loadTrack } from '../dist/tracks/tracks.js';

// The generator's payload (addon/bench_generator.c): "HTTP/1.1 200 OK\r\nX-Mono-Ns: " and then
// CLOCK_MONOTONIC in 20 zero-padded digits, at the same offset in every write.
const STAMP_OFFSET = 28;
const STAMP_DIGITS = 20;

/** The CLOCK_MONOTONIC ns the generator stamped just before its write(). */
function readStamp(payload) {
  let value = 0;
  for (let i = STAMP_OFFSET; i < STAMP_OFFSET + STAMP_DIGITS; i++) value = value * 10 + (payload[i] - 48);
  return value;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pid: { type: 'string' },
    count: { type: 'string' },
    mode: { type: 'string', default: 'rate' },
  },
});
const source = positionals[0];
const targetPid = Number(values.pid);
const targetCount = values.count === 'all' ? Infinity : Number(values.count);
const latencyMode = values.mode === 'latency';
if (!source || !(targetPid > 0) || !(targetCount > 0)) {
  console.error('usage: runner_consumer.mjs SOURCE --pid PID --count N|all [--mode rate|latency]');
  process.exit(2);
}

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// As the CLI does for the commands that compile (src/cli.ts): the compiler process starts
// loading clang and LLVM at once. python-bcc loads them when it imports bcc, before its clock
// starts; so the clock here starts once our compiler process is up too (waiting on its
// stdin), and how long that took is reported beside it (compilerStartMs).
let compilerReadyAt = 0;
const warmStart = performance.now();
warmUpCompiler();
const prepareStart = performance.now();
const environment = await prepareKernel();
await compilerWaitingOnStdin();
const compileStart = performance.now();
const sniffer = await Sniffer.build({ text: readFileSync(source, 'utf8'), fileName: 'solution.c' }, environment.attachMode);
const built = performance.now();
sniffer.start(sniffer.hooks.map((h) => h.name));
const attached = performance.now();

let events = 0;
let firstStampNs = 0;
let lastReceiptNs = 0;
const latenciesNs = [];
// From bpf_ktime_get_ns() in the write's exit hook rather than the generator's stamp before
// the write: tells a stall of the generator itself from one of the pipeline.
const kernelLatenciesNs = [];
let finished = false;

const capture = new Capture(sniffer, { events: loadTrack('http').events, onlyPid: targetPid });
// Under wrk: exchanges with both a request and a response, what the learner sees whole.
let completeExchanges = 0;
capture.on('exchange', (exchange) => {
  if (exchange.request.length > 0 && exchange.response.length > 0) completeExchanges++;
});
capture.on('events', (batch) => {
  if (finished) return;
  const now = monotonicNowNs();
  for (const event of batch) {
    if (event.type !== 'data' || event.direction !== 'egress' || events >= targetCount) continue;
    if (events === 0) firstStampNs = readStamp(event.payload);
    if (latencyMode) {
      latenciesNs.push(now - readStamp(event.payload));
      kernelLatenciesNs.push(now - event.timestampNs);
    }
    events++;
  }
  lastReceiptNs = now;
  // The Capture hands this batch to the tracker right after its listeners: report after that.
  if (events >= targetCount) setImmediate(finish);
});
const cpuAtReady = process.cpuUsage();
const threadsAtReady = threadCpu();
print({
  type: 'ready',
  compileMs: Math.round(attached - compileStart),
  buildMs: Math.round(built - compileStart),
  attachMs: Math.round(attached - built),
  prepareMs: Math.round(compileStart - prepareStart),
  compilerStartMs: Math.round(compilerReadyAt - warmStart),
  attachMode: environment.attachMode,
  perfBuffer: Object.fromEntries(capture.perfSettings().map(({ name, settings }) => [name, settings])),
  memory: memoryDetail(),
});

/**
 * Resolves once our bcc-build child is blocked reading its stdin (read(0, …) in
 * /proc/PID/syscall): clang and LLVM are loaded and it waits for a program.
 */
async function compilerWaitingOnStdin() {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    for (const task of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
        try {
          const isCompiler = readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'bcc-build';
          if (isCompiler && /^0 0x0 /.test(readFileSync(`/proc/${pid}/syscall`, 'utf8'))) {
            compilerReadyAt = performance.now();
            return;
          }
        } catch {
          // gone meanwhile
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('the compiler process did not come up within 5 s');
}

/** Where the resident memory is: V8's heap, memory outside it, and anonymous vs file pages. */
/** CPU µs of each thread of this process by name (the perf pollers, node's own threads). */
function threadCpu() {
  const byName = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName[name] = (byName[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

function memoryDetail() {
  const usage = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
}

function finish() {
  if (finished) return;
  finished = true;
  const cpu = process.cpuUsage(cpuAtReady);
  const counts = capture.counts;
  const result = {
    type: 'result',
    events,
    lost: counts.lost,
    firstStampNs,
    lastReceiptNs,
    latenciesNs,
    kernelLatenciesNs,
    cpuUs: cpu.user + cpu.system,
    threadCpuUs: Object.fromEntries(Object.entries(threadCpu()).map(([name, us]) => [name, us - (threadsAtReady[name] ?? 0)])),
    rssBytes: process.memoryUsage().rss,
    memory: memoryDetail(),
    ingress: counts.ingress,
    egress: counts.egress,
    exchanges: counts.exchanges,
    completeExchanges,
    lostExact: counts.lostExact,
    filtered: counts.filtered,
    decodeErrors: counts.decodeErrors,
    perfStats: capture.perfStats(),
    openConnections: capture.openConnections,
  };
  if (stopping) return print(result);
  // And a second later, once the burst's garbage and batches had a chance to go.
  setTimeout(() => print({ ...result, rssSettledBytes: process.memoryUsage().rss, memorySettled: memoryDetail() }), 1000);
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.startsWith('stop')) stop();
  })
  .on('close', stop);

let stopping = false;
/** Told to stop: the hooks detached, the rings drained to the last event and drop, then the result. */
async function stop() {
  if (stopping) return;
  stopping = true;
  sniffer.close();
  await capture.finishWhenDrained();
  finish();
  process.exit(0);
}
