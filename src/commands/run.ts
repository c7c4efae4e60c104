// `ebpf-workshop run`: the tutorial's own runner (`sudo go run main.go clean.c --level N`),
// rebuilt on the engine. Starts the demo server, compiles the learner's file for this
// kernel, attaches the hooks of levels ≤ N, and prints what they capture.
import type { Command } from 'commander';
import { setTimeout as delay } from 'node:timers/promises';
import { LiveSession } from '../pipeline/liveSession.js';
import { eventJson, eventLine, exchangeBlock, exchangeJson, clientText } from '../capture/format.js';
import { onShutdown } from '../engine/shutdown.js';
import { describeEncrypted, targetServerError } from '../targets/listeningProcess.js';
import { curlLine } from '../targets/traffic.js';
import { isTls } from '../targets/targets.js';
import { isWorkshopError } from '../errors/workshopError.js';
import { attachOption, fail, intOption, learnerFile, levelOption, progressOnTerminal, trackAndLevel, trackOption } from './cliSupport.js';
import type { AttachRequest } from '../kernel/features.js';
import { attachDescription, loadTrack } from '../tracks/tracks.js';

interface RunOptions {
  track?: string;
  level?: number;
  verbose?: boolean;
  json?: boolean;
  traffic: number;
  size: number;
  duration?: number;
  attach: AttachRequest;
  allProcesses?: boolean;
  host?: string;
  port?: number;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run your program against the demo server and print the HTTP traffic it captures')
    .argument('[file]', 'your BCC program', undefined)
    .addOption(trackOption())
    .addOption(levelOption('attach the hooks of levels 0..n (default: the last level)'))
    .option('-v, --verbose', 'print every event as it comes, and raw compiler/verifier output on errors')
    .option('--json', 'one JSON object per line')
    .option('-t, --traffic <k>', 'send the tutorial\'s request k times once attached', intOption(0, 100000), 0)
    .option('--size <n>', 'the size asked for in each request', intOption(0, 10485760), 50)
    .option('-d, --duration <s>', 'stop after s seconds (default: run until Ctrl-C)', intOption(1, 86400))
    .addOption(attachOption())
    .option('--all-processes', 'show every process\'s traffic, not only the demo server\'s')
    .option('--host <address>', 'the demo server\'s address (default 127.0.0.1)')
    .option('--port <port>', 'the demo server\'s port (default 8080 or the next free one)', intOption(0, 65535))
    .action(async (file: string | undefined, options: RunOptions) => {
      await run(file, options).catch((e) => fail(e, options));
    });
}

async function run(fileArg: string | undefined, options: RunOptions): Promise<void> {
  const { track, level } = trackAndLevel(options, loadTrack(options.track).levels.length - 1);
  const file = learnerFile(fileArg, track, { quiet: options.json });
  // Lines leave together, once per turn of the event loop: under load a write() per line costs
  // more than capturing the event it prints (and each write runs the learner's write hooks).
  let queued: string[] = [];
  const flush = () => {
    if (queued.length === 0) return;
    process.stdout.write(queued.join(''));
    queued = [];
  };
  const out = (line: string) => {
    if (queued.length === 0) setImmediate(flush);
    queued.push(`${line}\n`);
  };
  const json = (value: Record<string, unknown>) => out(JSON.stringify(value));

  const session = await LiveSession.open({
    file,
    track,
    level,
    attach: options.attach,
    allProcesses: options.allProcesses,
    host: options.host,
    port: options.port,
    onProgress: progressOnTerminal(options.json),
  });
  const { server, capture } = session;
  const ready = {
    type: 'ready',
    file,
    level,
    attachMode: session.attachMode,
    server: { pid: server.pid, host: server.host, port: server.port, url: server.url },
    hooks: session.hooks.map((h) => ({ name: h.name, target: h.attachment.target })),
    warnings: session.environment.warnings,
  };
  if (options.json) json(ready);
  else {
    for (const warning of session.environment.warnings) process.stderr.write(`note: ${warning}\n`);
    out(`${file}: level ${level}, ${attachDescription(track.levels, level, session.attachMode)}`);
    out(`${server.what.replace(/^the /, '')} ${server.url} (pid ${server.pid})`);
    for (const hook of session.hooks) out(`  attached ${hook.name} → ${hook.attachment.target}`);
  }

  if (!capture) {
    // Level 0: the hooks were loaded (the verifier accepted them); nothing is attached.
    const loaded = session.sniffer.hooks.map((h) => h.name);
    if (options.json) json({ type: 'summary', loaded, attached: [] });
    else out(`level 0: ${loaded.join(', ') || 'no hooks'} loaded and accepted by the verifier; nothing attached at this level`);
    flush();
    await session.close();
    return;
  }

  capture.on('events', (events) => {
    if (!options.verbose && !options.json) return;
    for (const event of events) {
      if (options.json) json(eventJson(event));
      else out(eventLine(event));
    }
  });
  capture.on('exchange', (exchange) => (options.json ? json(exchangeJson(exchange)) : out(exchangeBlock(exchange))));
  capture.on('lost', (n) => (options.json ? json({ type: 'lost', count: n }) : process.stderr.write(`warning: the kernel dropped ${n} events\n`)));

  let finished: Promise<void> | undefined;
  const finish = () =>
    (finished ??= (async () => {
      await session.close();
      const counts = { ...capture.counts };
      // A TLS target reports what its sockets carried: the encrypted side of the plaintext above.
      const wire = describeEncrypted(server.encrypted);
      if (options.json) json({ type: 'summary', counts, ...(wire ? { encrypted: { ...server.encrypted } } : {}) });
      else {
        out(`\n${counts.exchanges} exchanges; events: ${counts.open} open, ${counts.ingress} in, ${counts.egress} out, ${counts.close} close; ${counts.lost} lost`);
        if (wire) out(wire);
      }
      flush();
    })());
  onShutdown(finish);

  if (!options.json) {
    out(`try: ${curlLine(server.host, server.port, { size: options.size, tls: isTls(server) })}`);
    out(options.duration ? `capturing for ${options.duration} s…` : 'capturing; Ctrl-C stops');
  }
  // A server that dies under the capture ends the run: said in one line, exit code 2.
  let durationTimer: NodeJS.Timeout | undefined;
  const serverDied = new Promise<never>((_, reject) => {
    server.onUnexpectedExit((_exit, description) => {
      clearTimeout(durationTimer);
      reject(targetServerError(`${description} during the run, so nothing more can be captured: run the command again`));
    });
  });
  const capturing = async () => {
    if (options.traffic > 0) {
      const sent = await session.sendTraffic(options.traffic, options.size);
      if (sent.failed && !options.json) process.stderr.write(`warning: ${sent.failed} requests did not get a 200\n`);
      if (!options.json && options.verbose) out(`sent ${sent.count} requests to ${clientText({ family: 'ipv4', address: server.host, port: server.port })}`);
    }
    if (options.duration) {
      await new Promise((resolve) => (durationTimer = setTimeout(resolve, options.duration! * 1000)));
      await finish();
    } else {
      await new Promise(() => {}); // until a signal: the shutdown hooks finish and exit
    }
  };
  try {
    await Promise.race([capturing(), serverDied]);
  } catch (error) {
    // A request that failed because the server died: what to say is that it died.
    const died = isWorkshopError(error, 'SERVER_FAILED') ? await Promise.race([serverDied.catch((e: unknown) => e), delay(500)]) : undefined;
    await finish();
    throw died ?? error;
  }
}
