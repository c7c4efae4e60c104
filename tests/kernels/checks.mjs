#!/usr/bin/env node
// The live checks `npm run test:kernels` runs in each kernel: the workshop's own `check`
// command on the HTTP track's solution.c at level 4 and its step files for levels 1–3, and on
// the TLS track's reference at its last level (uprobes on OpenSSL, against Python's HTTPS
// server, with the pid filter) and its step files for levels 2 (the HTTPS demo server's
// SSL_read/SSL_write) and 3 (the _ex forms), exactly as a learner runs it (attach mode chosen
// by the tool unless --attach is given). Run in
// the kernel under test (on the host directly, in the guest through run-in-guest.sh); prints
// one JSON line: { kernel, results: [{ file, level, exitCode, passed, attachMode, failures,
// seconds, stderr }], leftovers: [kprobe events the checks left behind] }.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHECKS = [
  { track: 'http', file: 'solution.c', level: 4 },
  { track: 'http', file: 'levels/http/steps/level-1.c', level: 1 },
  { track: 'http', file: 'levels/http/steps/level-2.c', level: 2 },
  { track: 'http', file: 'levels/http/steps/level-3.c', level: 3 },
  { track: 'tls', file: 'levels/tls/solution.c', level: 4 },
  { track: 'tls', file: 'levels/tls/steps/level-2.c', level: 2 },
  { track: 'tls', file: 'levels/tls/steps/level-3.c', level: 3 },
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runCheck({ track, file, level }, attach, env) {
  const started = process.hrtime.bigint();
  const args = [path.join(root, 'dist/cli.js'), 'check', '--track', track, '--level', String(level), '--json', '--attach', attach, file];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let report = null;
      try {
        report = JSON.parse(stdout.trim().split('\n').pop() ?? '');
      } catch {
        // Not a report (the command failed before writing one): stdout and stderr tell why.
      }
      const failures = (report?.checks ?? [])
        .filter((c) => c.status === 'fail')
        .map((c) => `${c.title}: ${c.message}`);
      if (!report && stdout.trim()) failures.push(stdout.trim());
      resolve({
        pid: child.pid,
        track,
        file,
        level,
        exitCode: code ?? (signal ? `signal ${signal}` : null),
        passed: code === 0 && report?.passed === true,
        attachMode: report?.attachMode ?? null,
        failures,
        seconds: Math.round(seconds * 10) / 10,
        stderr: stderr.trim().split('\n').slice(-20).join('\n'),
      });
    });
  });
}

/**
 * kprobe and uprobe events the checks' processes created and did not remove. A BPF program
 * goes away with its process, and so do probes made through the kprobe/uprobe PMU; a probe
 * event made through tracefs does not (src/engine/bpfProgram.ts names them p_ws_<pid>_… /
 * r_ws_<pid>_…).
 */
function leftoverProbeEvents(pids) {
  const lines = [];
  for (const file of ['kprobe_events', 'uprobe_events']) {
    for (const dir of ['/sys/kernel/tracing', '/sys/kernel/debug/tracing']) {
      try {
        lines.push(...readFileSync(path.join(dir, file), 'utf8').split('\n'));
        break;
      } catch {
        // Not mounted there, or no such probes at all: nothing can be left.
      }
    }
  }
  return lines.filter((line) => pids.some((pid) => line.includes(`_ws_${pid}_`)));
}

async function main() {
  const attachIndex = process.argv.indexOf('--attach');
  const attach = attachIndex > 0 ? process.argv[attachIndex + 1] : 'auto';
  // `check` records passed levels in the learner's progress file: point it at a scratch
  // directory, and keep sudo's variables from sending it to the invoking user's home.
  const state = mkdtempSync(path.join(os.tmpdir(), 'ebpf-workshop-kernels-'));
  const env = { ...process.env, XDG_STATE_HOME: state };
  for (const name of ['SUDO_UID', 'SUDO_GID', 'SUDO_USER', 'SUDO_COMMAND']) delete env[name];
  const results = [];
  try {
    for (const check of CHECKS) results.push(await runCheck(check, attach, env));
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
  const leftovers = leftoverProbeEvents(results.map((r) => r.pid));
  process.stdout.write(`${JSON.stringify({ kernel: os.release(), results: results.map(({ pid: _pid, ...r }) => r), leftovers })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
