#!/usr/bin/env node
// `npm test`: every test with tap (unit tests and the live tests that load programs into
// this kernel), then the failures again, each under its file and subtests, and one closing line
// any CI can read: "N passed, N failed, N skipped". A CI log often keeps only its tail: the
// failures are repeated there so that the tail alone says what failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
// Built by `pretest` (npm run build), like everything the tests run.
import { onPath, planElevation } from '../dist/util/elevate.js';
import { FailureCollector } from './tapFailures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
// The raw TAP stream, always: the closing line and the failures are read from it (tap picks
// its colour reporter instead when FORCE_COLOR or a terminal says colour).
const args = ['--reporter=tap', ...process.argv.slice(2)];
// The live tests load programs into the kernel: as a user, the tests run under sudo (the build
// before them, `pretest`, stayed the user's); as root, or without sudo, they run as they are.
const plan = planElevation({ uid: process.getuid(), sudo: onPath('sudo'), node: process.execPath, nodeArgs: [], script: tapBin, args });
if (plan.kind === 'sudo') process.stderr.write('the live tests load eBPF programs, which needs root: running the tests with sudo\n');
const [command, commandArgs] = plan.kind === 'sudo' ? [plan.command, plan.args] : [process.execPath, [tapBin, ...args]];
const child = spawn(command, commandArgs, { stdio: ['inherit', 'pipe', 'inherit'] });

const failures = new FailureCollector();
let tail = '';
child.stdout.setEncoding('utf8'); // a character split across chunks arrives whole
child.stdout.on('data', (text) => {
  process.stdout.write(text);
  failures.push(text);
  tail = (tail + text).slice(-4096);
});
// 'close', not 'exit': the last of tap's output (its summary) may still be in the pipe at exit.
child.on('close', (code, signal) => {
  // tap closes with a comment like "# { total: 27, pass: 25, fail: 1, skip: 1 }".
  const summary = /# \{ ([^}]*) \}\s*(?:# time=.*)?\s*$/.exec(tail.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
  const counts = Object.fromEntries(
    (summary?.[1] ?? '').split(',').map((part) => part.split(':').map((s) => s.trim())).filter((kv) => kv.length === 2).map(([k, v]) => [k, Number(v)]),
  );
  const report = failures.report();
  if (report) console.log(`\nWhat failed:\n${report}`);
  const failed = (counts.fail ?? 0) + (code !== 0 && !counts.fail ? 1 : 0);
  console.log(`\n${counts.pass ?? 0} passed, ${failed} failed, ${(counts.skip ?? 0) + (counts.todo ?? 0)} skipped`);
  process.exit(signal ? 1 : code ?? 1);
});
