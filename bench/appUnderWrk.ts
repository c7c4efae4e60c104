// The app as the learner sees it, under load: `node dist/cli.js start --level 4 solution.c`
// in a tmux pane of 120×40, its demo server driven by `wrk -t2 -c50` POSTing {"size": 50},
// while Tab is pressed every few hundred ms. Tab moves the focus between the instructions and
// the capture, and the instructions' border turns heavy (┏) when they have it: a key's
// latency is from send-keys until the pane shows the focus moved (polled with capture-pane,
// a few ms per poll). The app's VmRSS is sampled every 100 ms. Run on its own
// (`node --import tsx bench/appUnderWrk.ts [--seconds 8] [--cpu-prof DIR]`) it prints JSON.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { exitsWithin } from '../tests/helpers/processes.js';
import { TmuxApp } from '../tests/live/fixtures/app-tmux.js';
import { coreMsBetween, coreTicks, rssKiB, threadMsBetween, threadTicks } from './procStat.js';
import { runWrk } from './wrk.js';
import { percentile } from './report.js';

export interface AppUnderWrk {
  /** Key → screen latencies in ms: with the app idle (attached, no traffic), and under wrk. */
  idleKeysMs: number[];
  loadedKeysMs: number[];
  /** Keys whose effect never showed within the poll limit (counted, not in the figures). */
  unanswered: number;
  /** VmRSS in MB: attached and idle, the highest under wrk and after, and at the end. */
  rssIdleMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  requests: number;
  requestsPerSec: number;
  seconds: number;
  /** CPU time over the wrk run, ms: the app's threads by name, and the machine's idle time (of cpus × wall). */
  appThreadsMs: Record<string, number>;
  cpus: number;
  idleMs: number;
  wallMs: number;
}

const KEY_TIMEOUT_MS = 5000;

/** 0 once the app is gone. */
const rssMb = (pid: number) => rssKiB(pid, 0) / 1024;

/** Whether the instructions have the focus (their border is heavy). */
function instructionsFocused(app: TmuxApp): boolean {
  return (app.screen().split('\n')[1] ?? '').includes('┏');
}

/** Tab, then the time until the focus shows moved (polled as fast as capture-pane answers); null if it never did. */
function pressTab(app: TmuxApp): number | null {
  const before = instructionsFocused(app);
  const start = performance.now();
  app.keys('Tab');
  while (performance.now() - start < KEY_TIMEOUT_MS) {
    if (instructionsFocused(app) !== before) return performance.now() - start;
  }
  return null;
}

export async function measureAppUnderWrk(options: { packageRoot: string; script: string; seconds: number; cpuProfDir?: string; progress?: (text: string) => void }): Promise<AppUnderWrk> {
  const progress = options.progress ?? (() => {});
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-app-'));
  copyFileSync(path.join(options.packageRoot, 'solution.c'), path.join(dir, 'solution.c'));
  const node = [process.execPath, ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [])];
  let sampler: NodeJS.Timeout | undefined;
  const app = new TmuxApp(`${node.join(' ')} '${path.join(options.packageRoot, 'dist', 'cli.js')}' start --level 4 solution.c`, { cwd: dir });
  try {
    progress('the app under wrk: waiting for solution.c to attach');
    const ready = await app.waitFor('solution.c attached', (s) => /compiled, verified and attached/.test(s) && /server http:\/\/[\d.]+:\d+/.test(s), 120_000);
    const pid = app.appPid();
    if (!pid) throw new Error('the app\'s process was not found under its tmux pane');
    const url = /server (http:\/\/[\d.]+:\d+)/.exec(ready)![1]!;
    await sleep(1000);
    const idleKeysMs: number[] = [];
    let unanswered = 0;
    const press = (into: number[]) => {
      const ms = pressTab(app);
      if (ms === null) unanswered++;
      else into.push(ms);
    };
    for (let i = 0; i < 6; i++) {
      press(idleKeysMs);
      await sleep(200);
    }
    const rssIdleMb = rssMb(pid);
    const before = { threads: threadTicks(pid), cores: coreTicks(), at: performance.now() };
    let rssPeakMb = rssIdleMb;
    sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 100);
    progress(`the app under wrk: wrk -t2 -c50 -d${options.seconds}s against ${url}, Tab pressed meanwhile`);
    const wrk = runWrk({ url: `${url}/customResponse`, script: options.script, seconds: options.seconds, scriptArgs: ['50'] });
    let running = true;
    void wrk.finally(() => (running = false)).catch(() => {});
    const loadedKeysMs: number[] = [];
    await sleep(1000); // wrk's connections up and the app's capture busy
    while (running) {
      press(loadedKeysMs);
      await sleep(250);
    }
    const { requests, requestsPerSec } = await wrk;
    const after = { threads: threadTicks(pid), cores: coreTicks(), at: performance.now() };
    const appThreadsMs = threadMsBetween(before.threads, after.threads);
    const idleMs = coreMsBetween(before.cores, after.cores).reduce((sum, core) => sum + core.idleMs, 0);
    await sleep(2000); // what the app does with the backlog counts too
    const rssEndMb = rssMb(pid);
    rssPeakMb = Math.max(rssPeakMb, rssEndMb);
    app.keys('q');
    await exitsWithin(pid, 15_000);
    return { idleKeysMs, loadedKeysMs, unanswered, rssIdleMb, rssPeakMb, rssEndMb, requests, requestsPerSec, seconds: options.seconds, appThreadsMs, cpus: after.cores.length, idleMs, wallMs: Math.round(after.at - before.at) };
  } finally {
    clearInterval(sampler);
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, 'cpu-prof': { type: 'string' }, root: { type: 'string' } } });
  const root = values.root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const result = await measureAppUnderWrk({
    packageRoot: root,
    script: path.join(path.dirname(fileURLToPath(import.meta.url)), 'wrk-post.lua'),
    seconds: Number(values.seconds),
    cpuProfDir: values['cpu-prof'],
    progress: (text) => process.stderr.write(`${text}\n`),
  });
  console.log(JSON.stringify({ ...result, p50: percentile(result.loadedKeysMs, 50), p90: percentile(result.loadedKeysMs, 90), p99: percentile(result.loadedKeysMs, 99) }));
}
