// Compiles a BCC program in a child process (build/bin/bcc-compile-check) before the app
// compiles it in its own. LLVM ends the whole process on some backend errors — a BPF stack
// over 512 bytes is the one learners meet — and libbcc compiles in the caller's process, so
// a learner's mistake would otherwise take the app down. The child inherits our environment
// (BCC_KERNEL_SOURCE, set by prepareKernel) and writes clang's diagnostics to its stderr.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { nativeBinDir } from '../native/addon.js';
import { onRelease } from './shutdown.js';

export type CompileCheckOutcome = 'ok' | 'failed' | 'crashed';

export interface CompileCheckResult {
  /** ok: it compiled; failed: clang reported errors; crashed: the compiler died or hung. */
  outcome: CompileCheckOutcome;
  /** Everything the compiler printed (plus, for a timeout, a sentence saying so). */
  stderr: string;
  /** The signal that ended the child, e.g. SIGABRT. */
  signal?: string;
  /** The child's exit status when it exited by itself. */
  status?: number;
}

/** The helper program's own exit statuses (addon/compile_check.c). */
const COMPILED = 0;
const NOT_COMPILED = 3;

export const COMPILE_CHECK_TIMEOUT_MS = 60_000;

export const compileCheckBinary = path.join(nativeBinDir, 'bcc-compile-check');

export async function checkCompileIsolated(
  source: string,
  cflags: string[],
  options: { timeoutMs?: number } = {},
): Promise<CompileCheckResult> {
  if (!existsSync(compileCheckBinary)) {
    throw new Error(
      `the compile checker is not built (${compileCheckBinary} is missing): ` +
        'run `sudo ./scripts/setup.sh` or `npm run build:native`',
    );
  }
  const timeoutMs = options.timeoutMs ?? COMPILE_CHECK_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(compileCheckBinary, cflags, { stdio: ['pipe', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // If we exit first, the compiler (which holds maps it created) goes with us.
    const unregister = onRelease(() => child.kill('SIGKILL'));
    const settle = () => {
      clearTimeout(timer);
      unregister();
    };
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A child that dies before reading all of stdin makes our write fail with EPIPE; its exit
    // status says what happened, so the write error itself is not news.
    child.stdin.on('error', () => {});
    child.stdin.end(source);
    child.on('error', (e) => {
      settle();
      reject(new Error(`cannot run the compile checker ${compileCheckBinary}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      settle();
      let stderr = Buffer.concat(chunks).toString('utf8');
      if (timedOut) {
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        stderr += `\nThe compiler did not finish within ${limit} and was stopped.\n`;
        resolve({ outcome: 'crashed', stderr, signal: signal ?? 'SIGKILL' });
      } else if (signal) {
        stderr += `\nThe compiler crashed (${signal}).\n`;
        resolve({ outcome: 'crashed', stderr, signal });
      } else if (status === COMPILED) {
        resolve({ outcome: 'ok', stderr, status });
      } else if (status === NOT_COMPILED) {
        resolve({ outcome: 'failed', stderr, status });
      } else {
        // LLVM's fatal errors exit(1) in a plain process (and abort inside Node): either way
        // the compiler stopped without finishing.
        resolve({ outcome: 'crashed', stderr, status: status ?? undefined });
      }
    });
  });
}
