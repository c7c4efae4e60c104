#!/usr/bin/env node
// `npm run test:kernels`: the workshop's live checks (tests/kernels/checks.mjs) in every
// kernel we can reach — this machine's, and Debian's stock kernel in a QEMU guest — each in
// the attach mode it must end up in. One line per kernel, then "N passed, N failed" (what CI
// reads); exit 1 on any failure. Needs root, like the workshop.
//
// This machine: the mode `--attach auto` picks must be the one its kernel offers (kprobes
// when it has them, else the syscall tracepoints). When that is kprobe, tracepoint mode is
// run as well, forced, so both paths are tested on any machine. The guest (6.1, kprobes
// built in) must come out in kprobe mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from './checks.mjs';
import { kernelVerdict } from './verdict.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const checksScript = path.join('tests', 'kernels', 'checks.mjs');
// TCG emulation runs the four checks in a few minutes; a hung guest is killed at this limit.
const guestTimeout = Number(process.env.WORKSHOP_GUEST_TIMEOUT ?? 900);

function hostHasKprobes() {
  return ['/sys/bus/event_source/devices/kprobe', '/sys/kernel/tracing/kprobe_events', '/sys/kernel/debug/tracing/kprobe_events'].some((p) =>
    existsSync(p),
  );
}

/** Runs a command in the repository; its stderr goes to ours as progress, prefixed. */
function run(command, args, prefix) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      pending += c;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) process.stderr.write(`${prefix}| ${line}\n`);
    });
    child.on('close', (code, signal) => {
      if (pending) process.stderr.write(`${prefix}| ${pending}\n`);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

/** Runs the checks in one kernel and prints its lines; true when everything passed. */
async function testKernel({ where, expected, command, args, note }) {
  const started = Date.now();
  process.stderr.write(`${where}: running the checks${note ? ` (${note})` : ''}…\n`);
  const outcome = await run(command, args, where);
  const seconds = Math.round((Date.now() - started) / 1000);
  const verdict = kernelVerdict({ where, expected, checkCount: CHECKS.length, outcome, seconds });
  for (const line of verdict.lines) console.log(line);
  return verdict.ok;
}

async function main() {
  if (process.getuid?.() !== 0) {
    console.log('error: the live checks load BPF programs and boot a VM: run as root (sudo npm run test:kernels)');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
    console.log('error: dist/cli.js is missing: run `npm run build` first');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  const kernels = [];
  const hostMode = hostHasKprobes() ? 'kprobe' : 'tracepoint';
  kernels.push({ where: 'host', expected: hostMode, command: process.execPath, args: [checksScript] });
  if (hostMode === 'kprobe') {
    kernels.push({ where: 'host', expected: 'tracepoint', command: process.execPath, args: [checksScript, '--attach', 'tracepoint'], note: '--attach tracepoint' });
  }
  kernels.push({
    where: 'guest',
    expected: 'kprobe',
    command: path.join(root, 'scripts', 'kernels', 'run-in-guest.sh'),
    // The guest's PATH is the standard one: name this very node, wherever it is installed.
    args: ['--timeout', String(guestTimeout), '--', process.execPath, checksScript],
    note: `Debian's stock kernel under QEMU, up to ${guestTimeout} s`,
  });

  // Ctrl-C reaches the running child too (same process group): let it clean up (QEMU is
  // killed, nothing stays loaded) and report, rather than dying first.
  process.on('SIGINT', () => {});
  let passed = 0;
  for (const kernel of kernels) if (await testKernel(kernel)) passed++;
  console.log(`${passed} passed, ${kernels.length - passed} failed`);
  process.exit(passed === kernels.length ? 0 : 1);
}

await main();
