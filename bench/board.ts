// `npm run bench:board`: the classroom board under a room's load. A board is started as the
// CLI starts it (`node dist/cli.js board --json`, its own process); N simulated learners
// (the real BoardReporter, one per name) each report every I ms for S seconds; a reader of
// the page's event stream (as the page reads it) notes when each report shows up there.
// Latency = arrival at the event-stream reader − the moment the learner's machine sent it
// (both clocks are this machine's). Memory: the board's RSS from /proc, sampled each second.
//
// Options: --learners N (50), --interval-ms I (2000), --seconds S (60), --json (the summary
// object as the last line). Traffic goes to 127.0.0.1 only and stops by itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BoardReporter } from '../src/board/reporter.js';
import type { CheckReport } from '../src/report/checkReport.js';
import { packageRoot } from '../src/native/addon.js';
import { readFeed } from '../tests/helpers/boardFeed.js';
import { percentile } from './report.js';
import { rssKiB } from './procStat.js';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '50' },
    'interval-ms': { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
  },
});
const learners = Number(values.learners);
const intervalMs = Number(values['interval-ms']);
const seconds = Number(values.seconds);
const progress = (text: string) => process.stderr.write(`bench:board: ${text}\n`);

// A real report: the recorded check of a program without its NULL check, failing at level 1.
const failing = JSON.parse(readFileSync(path.join(packageRoot, 'tests/fixtures/board/no-null-check.verbose.json'), 'utf8')) as CheckReport;
const passing: CheckReport = { ...failing, passed: true, checks: failing.checks.map((c) => ({ ...c, status: 'pass' as const })) };

const board = spawn(process.execPath, [path.join(packageRoot, 'dist', 'cli.js'), 'board', '--json', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const lines = createInterface({ input: board.stdout! });
const ready = await new Promise<{ url: string; joinUrl: string }>((resolve, reject) => {
  lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; joinUrl: string }));
  board.once('exit', (code) => reject(new Error(`the board exited (${code}) before it was ready`)));
});
const feed = await readFeed(ready.url.replace('/?view=', '/events?view='));
const latencies: number[] = [];
feed.onMessage(({ message, at }) => {
  if (message.type === 'learner') latencies.push(at - message.row.sentAt);
});

const rss: number[] = [rssKiB(board.pid!)];
const sampler = setInterval(() => rss.push(rssKiB(board.pid!)), 1000);
const notices: string[] = [];
const reporters = Array.from(
  { length: learners },
  (_, i) => new BoardReporter({ joinUrl: ready.joinUrl, name: `learner-${String(i + 1).padStart(3, '0')}`, track: 'http', notice: (m) => notices.push(m) }),
);

progress(`${learners} learners, one report each every ${intervalMs} ms for ${seconds} s, to ${ready.joinUrl}`);
const rounds = Math.floor((seconds * 1000) / intervalMs);
const started = Date.now();
const timers: NodeJS.Timeout[] = [];
await new Promise<void>((resolve) => {
  let finished = 0;
  reporters.forEach((reporter, i) => {
    let sent = 0;
    // Spread over the interval, as a room's saves are.
    const start = setTimeout(() => {
      const tick = () => {
        reporter.report(sent % 3 === 2 ? passing : failing);
        if (++sent >= rounds) {
          clearInterval(timer);
          if (++finished === learners) resolve();
        }
      };
      const timer = setInterval(tick, intervalMs);
      timers.push(timer);
      tick();
    }, (i * intervalMs) / learners);
    timers.push(start);
  });
});
await Promise.all(reporters.map((r) => r.flush(5000)));
await new Promise((r) => setTimeout(r, 500)); // the last reports' way to the reader
clearInterval(sampler);
const elapsed = (Date.now() - started) / 1000;
feed.close();
board.kill('SIGTERM');

const sent = reporters.reduce((n, r) => n + r.sent, 0);
const dropped = reporters.reduce((n, r) => n + r.dropped, 0);
const sorted = [...latencies].sort((a, b) => a - b);
const summary = {
  learners,
  intervalMs,
  seconds: Number(elapsed.toFixed(1)),
  reportsPlanned: learners * rounds,
  reportsAccepted: sent,
  reportsDropped: dropped,
  shownOnFeed: latencies.length,
  latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null },
  boardRssMiB: {
    start: Number((rss[0] / 1024).toFixed(1)),
    afterTenSeconds: Number(((rss[10] ?? rss.at(-1)!) / 1024).toFixed(1)),
    halfway: Number(((rss[Math.floor(rss.length / 2)] ?? rss.at(-1)!) / 1024).toFixed(1)),
    end: Number((rss.at(-1)! / 1024).toFixed(1)),
    peak: Number((Math.max(...rss) / 1024).toFixed(1)),
  },
  notices,
};
console.log(
  [
    `reports: ${summary.reportsAccepted} of ${summary.reportsPlanned} accepted (${dropped} dropped), ${summary.shownOnFeed} shown on the feed, in ${summary.seconds} s`,
    `latency, sent → on the page's feed: p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms`,
    `board RSS: ${summary.boardRssMiB.start} MiB at start, ${summary.boardRssMiB.afterTenSeconds} MiB after 10 s, ${summary.boardRssMiB.halfway} MiB halfway, ${summary.boardRssMiB.end} MiB at the end (peak ${summary.boardRssMiB.peak})`,
    ...(notices.length ? [`notices: ${notices.join(' | ')}`] : []),
  ].join('\n'),
);
if (values.json) console.log(JSON.stringify(summary));
