// Must show (run): the tutorial's runner prints real exchanges from the demo server, sent by
// itself, by curl, and under wrk with 50 connections — each response with its own request.
import t from 'tap';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'src', 'cli.ts');
const solution = path.join(root, 'solution.c');
const run = promisify(execFile);

interface Line {
  type: string;
  [key: string]: any;
}

/** Starts `run` with --json and collects its lines; `ready` resolves with the first one. */
function startRun(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', '--json', ...args, solution], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let onReady!: (l: Line) => void;
  const ready = new Promise<Line>((resolve) => (onReady = resolve));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    if (line.type === 'ready') onReady(line);
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, lines, ready, exited, stderr: () => stderr };
}

function stopped(child: ChildProcess) {
  return child.exitCode !== null || child.signalCode !== null;
}

t.test('--traffic 3: three exchanges from the demo server, request and response each', async (t) => {
  const runner = startRun(['--level', '4', '--traffic', '3', '--duration', '4']);
  const ready = await runner.ready;
  const [code] = await runner.exited;
  t.equal(code, 0, 'ran its duration and exited 0');
  t.equal(runner.stderr(), '', 'nothing on stderr');
  t.equal(ready.attachMode, 'tracepoint');
  const serverPid = ready.server.pid;

  const exchanges = runner.lines.filter((l) => l.type === 'exchange');
  t.equal(exchanges.length, 3, 'three exchanges');
  for (const x of exchanges) {
    t.equal(x.pid, serverPid, 'from the demo server');
    t.match(x.request, /^POST \/customResponse HTTP\/1\.1\r\n/);
    t.match(x.response, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"answer": "[A-Za-z0-9]{50}"\}$/);
    t.same(x.client?.address, '127.0.0.1');
  }
  const opens = runner.lines.filter((l) => l.type === 'open');
  t.ok(opens.length >= 3 && opens.every((o) => o.client.address === '127.0.0.1' && o.pid === serverPid), 'open events from 127.0.0.1');
  const summary = runner.lines.at(-1)!;
  t.equal(summary.type, 'summary');
  t.equal(summary.counts.lost, 0);
});

t.test('--traffic 0 and curl by hand: the exchange appears', async (t) => {
  const runner = startRun(['--level', '4', '--duration', '6']);
  const ready = await runner.ready;
  const { stdout } = await run('curl', ['-4', '-s', '-X', 'POST', `localhost:${ready.server.port}/customResponse`, '-d', '{"size": 50}']);
  t.match(stdout, /^\{"answer": "[A-Za-z0-9]{50}"\}$/, 'curl got its answer');
  await runner.exited;
  const exchanges = runner.lines.filter((l) => l.type === 'exchange');
  t.equal(exchanges.length, 1);
  t.match(exchanges[0]!.request, /User-Agent: curl/);
  t.match(exchanges[0]!.request, /\{"size": 50\}/);
  t.equal(exchanges[0]!.response.slice(exchanges[0]!.response.indexOf('\r\n\r\n') + 4), stdout, 'the captured body is the one curl received');
});

t.test('wrk, 50 connections for 10 s: only 200s, the runner keeps up, each response with its request', async (t) => {
  const runner = startRun(['--level', '4', '--duration', '40']);
  const ready = await runner.ready;
  const { stdout } = await run('wrk', ['-c', '50', '-t', '2', '-d', '10s', '-s', path.join(root, 'tests/fixtures/wrk/post-sizes.lua'), `http://127.0.0.1:${ready.server.port}/`], { timeout: 60_000 });
  t.notMatch(stdout, /Non-2xx or 3xx responses/, 'wrk saw only 200s');
  t.notMatch(stdout, /Socket errors/, 'no socket errors');
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  t.ok(requests > 1000, `wrk made ${requests} requests`);
  t.notOk(stopped(runner.child), 'the runner is still running after wrk');
  runner.child.kill('SIGINT');
  const [code] = await runner.exited;
  t.equal(code, 130, 'Ctrl-C ends it');

  const summary = runner.lines.at(-1)!;
  t.equal(summary.type, 'summary', 'the summary line came out whole');
  const { lost, ingress, egress } = summary.counts;
  // How many events a saturated machine drops is the benchmark's business (npm run bench);
  // here it only bounds how many exchanges may come out incomplete.
  t.comment(`events: ${ingress} in, ${egress} out, ${lost} lost`);

  const exchanges = runner.lines.filter((l) => l.type === 'exchange');
  const complete = exchanges.filter((x) => x.request !== '' && x.response !== '');
  // What share comes out whole on a saturated machine is a speed figure: npm run bench has it
  // (the completeness table). Here, other tests run beside this one; what must hold is below.
  t.ok(complete.length > 0, `${complete.length} complete exchanges for ${requests} requests`);
  t.ok(exchanges.length - complete.length <= lost, 'an exchange is incomplete only where an event was dropped');
  // The count is exact (the rings report every drop before the summary): a request that did
  // not come out as a complete exchange lost at least one event on the way.
  t.equal(summary.counts.lostExact, true, 'lost counts every dropped event');
  t.ok(requests - complete.length <= lost, `${Math.max(0, requests - complete.length)} requests without a complete exchange, ${lost} events counted lost`);
  let mismatched = 0;
  for (const x of complete) {
    const asked = Number(/\{"size": (\d+)\}/.exec(x.request)?.[1]);
    const length = Number(/Content-Length: (\d+)/.exec(x.response)?.[1]);
    if (length !== asked + 14) mismatched++;
  }
  // wrk keeps its connections open: a lost response lets the next request join the one before
  // it in one exchange (asking the first one's size). Without loss, every pair is exact.
  if (lost === 0) t.equal(mismatched, 0, 'every response is paired with its own request');
  else t.ok(mismatched <= lost, `${mismatched} exchanges paired across a dropped event, ${lost} events lost`);
});

t.test('a demo server killed mid-run is reported in one line naming the signal, and run exits 2', async (t) => {
  for (const json of [true, false]) {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', ...(json ? ['--json'] : []), '--level', '4', '--duration', '60', solution], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    while (!/"type":"ready"|demo server http:\/\/\S+ \(pid \d+\)/.test(stdout)) await once(child.stdout!, 'data');
    const pid = Number(/"pid":(\d+)/.exec(stdout.slice(stdout.indexOf('"server"')))?.[1] ?? /\(pid (\d+)\)/.exec(stdout)?.[1]);
    process.kill(pid, 'SIGKILL');
    const started = Date.now();
    const [code] = await exited;
    t.equal(code, 2, `${json ? '--json' : 'text'}: exit code 2 (environment)`);
    t.ok(Date.now() - started < 10_000, 'run ends at once, not at the end of its duration');
    const said = json ? stdout : stderr;
    t.match(said, /the demo server was killed by SIGKILL \(signal 9\) during the run/, 'the signal is named');
    t.notMatch(stderr, /this is a bug/);
    if (!json) t.equal(stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, 'one error line');
  }
});
