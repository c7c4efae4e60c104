// Must show 2: `check --level 4 solution.c` passes on this machine in the attach mode the
// kernel offers (tracepoint here: no kprobes), with each request and its response captured
// from the demo server's pid; the human report names every check; a pass is saved as progress
// in the learner's state directory, and only a pass.
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTrack } from '../../src/tracks/tracks.js';
import { readProgress } from '../../src/tracks/progress.js';

const solutionFile = loadTrack('http').reference;
import { checkById, testWorkspace, runCheck, runCli, STACK_TRACE, type Workspace } from '../helpers/cli.js';
import { liveKernel } from '../helpers/kernel.js';

const environment = await liveKernel();
// Read from the kernel, not from the code under test: kprobes exist or they do not.
const kernelHasKprobes = existsSync('/sys/kernel/tracing/kprobe_events') || existsSync('/sys/bus/event_source/devices/kprobe');

function solutionWorkspace(t: Test): Workspace {
  const workspace = testWorkspace(t, 'ebpf-workshop-solution-');
  copyFileSync(solutionFile, path.join(workspace.dir, 'solution.c'));
  return workspace;
}

function savedLevels(workspace: Workspace): number[] {
  return readProgress(path.join(workspace.dir, 'solution.c'), { stateFile: workspace.progressFile }).completed;
}

t.test('check --level 4 --json solution.c passes, with whole exchanges from the demo server', async (t) => {
  const workspace = solutionWorkspace(t);
  t.notOk(existsSync(workspace.progressFile), 'no progress before the run');

  const run = await runCheck(['--level', '4', 'solution.c'], { workspace });
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.trim() || 'empty'})`);
  const { report } = run;
  t.equal(report.passed, true);
  t.equal(report.level, 4);
  t.equal(report.file, 'solution.c');
  t.equal(report.attachMode, kernelHasKprobes ? 'kprobe' : 'tracepoint', 'the mode this kernel offers');
  t.equal(report.attachMode, environment.attachMode);
  if (!kernelHasKprobes) t.equal(report.attachMode, 'tracepoint', 'tracepoint mode on this kprobe-less kernel');
  for (const check of report.checks) t.equal(check.status, 'pass', `${check.id}: ${check.message}`);
  for (const id of ['live:open', 'live:ingress', 'live:egress', 'live:close', 'live:exchange']) t.ok(checkById(report, id), `${id} ran`);

  const { exchanges, events } = report.capture;
  t.ok(exchanges.length >= 3, `${exchanges.length} exchanges for 3 requests`);
  t.ok(events.open >= 3 && events.ingress >= 3 && events.egress >= 3 && events.close >= 3, `events: ${JSON.stringify(events)}`);
  const serverPid = exchanges[0]?.pid;
  t.ok(serverPid && serverPid > 0, 'exchanges carry a pid');
  t.not(serverPid, run.pid, 'the pid is not the CLI\'s own: the demo server runs apart');
  for (const exchange of exchanges) {
    t.equal(exchange.pid, serverPid, 'every exchange comes from the one demo server');
    t.match(exchange.request, /^POST \/customResponse HTTP\/1\.1\r\n/, 'the request as the server read it');
    t.match(exchange.request, /\r\n\r\n\{"size": \d+\}$/, 'with its body');
    t.match(exchange.response, /^HTTP\/1\.1 200 /, 'the response as the server wrote it');
    t.match(exchange.response, /\{"answer": "/, 'with its body');
    t.equal(exchange.client?.family, 'ipv4');
    t.equal(exchange.client?.address, '127.0.0.1', 'the client\'s address from the open event');
    t.ok(exchange.client && exchange.client.port > 0, 'and its port');
    t.ok(exchange.fd >= 0, 'the accepted fd');
  }
  // Requests of sizes 20, 35 and 50: each answer has as many characters as its request asked.
  for (const exchange of exchanges) {
    const size = Number(/"size": (\d+)/.exec(exchange.request)?.[1]);
    const answer = /"answer": "([^"]*)"/.exec(exchange.response)?.[1];
    t.equal(answer?.length, size, `the response of size ${size} is paired with its own request`);
  }

  t.same(savedLevels(workspace), [4], 'the pass is saved in the temp state directory');
  t.notMatch(run.stderr, STACK_TRACE);
});

t.test('the human report names every check and the captured exchange', async (t) => {
  const workspace = solutionWorkspace(t);
  const json = await runCheck(['--level', '4', 'solution.c'], { workspace });
  const human = await runCli(['check', '--level', '4', 'solution.c'], { workspace });
  t.equal(human.code, 0, 'exit 0');
  t.notMatch(human.stdout, /\x1b\[/, 'no colour when not a terminal');
  t.match(human.stdout, /^solution\.c: level 4, (tracepoint|kprobe) mode$/m);
  for (const check of json.report.checks) {
    t.ok(human.stdout.includes(`✓ ${check.title}`), `"${check.title}" is shown as passed`);
  }
  t.match(human.stdout, /^level 4 passed \(\d+ checks\)$/m);
  t.match(human.stdout, /captured, e\.g\.: POST \/customResponse HTTP\/1\.1 → HTTP\/1\.1 200 OK/);
  t.notMatch(human.stdout + human.stderr, STACK_TRACE);
});

t.test('progress: passes accumulate, a failure saves nothing', async (t) => {
  const workspace = testWorkspace(t, 'ebpf-workshop-progress-');
  copyFileSync(solutionFile, path.join(workspace.dir, 'solution.c'));
  // An empty file fails at once: no compile, no live run, and no progress.
  writeFileSync(path.join(workspace.dir, 'empty.c'), '');
  const failed = await runCheck(['--level', '0', 'empty.c'], { workspace });
  t.equal(failed.code, 1);
  t.notOk(existsSync(workspace.progressFile), 'a failed check saves no progress');

  const zero = await runCheck(['--level', '0', 'solution.c'], { workspace });
  t.equal(zero.code, 0);
  t.same(savedLevels(workspace), [0]);
  const four = await runCheck(['--level', '4', 'solution.c'], { workspace });
  t.equal(four.code, 0);
  t.same(savedLevels(workspace), [0, 4], 'levels accumulate, in order');
});
