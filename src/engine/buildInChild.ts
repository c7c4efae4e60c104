// Compiles a BCC program and loads the functions asked for in a child process
// (build/bin/bcc-build), which passes the maps' and programs' fds back over a Unix socket.
// LLVM ends the whole process on some backend errors — a BPF stack over 512 bytes is the one
// learners meet — and keeps ~80 MB of code resident in whoever compiled: both stay in the
// child. It inherits our environment (BCC_KERNEL_SOURCE, set by prepareKernel) and writes
// clang's diagnostics to its stderr.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { addon, nativeBinDir } from '../native/addon.js';
import { onRelease } from './shutdown.js';

/** What bcc-build prints on stdout (addon/bcc_build.c); every `fd` indexes the fds it sent. */
const childReport = z.object({
  functions: z.array(z.string()),
  tables: z.array(
    z.object({
      name: z.string(),
      type: z.number(),
      fd: z.number(),
      keySize: z.number(),
      leafSize: z.number(),
      maxEntries: z.number(),
      flags: z.number(),
      keyDesc: z.string().nullable(),
      leafDesc: z.string().nullable(),
    }),
  ),
  perfEventFields: z.record(z.string(), z.array(z.string())),
  loads: z.array(
    z.object({ name: z.string(), fd: z.number(), errno: z.number(), error: z.string(), log: z.string(), stderr: z.string() }),
  ),
});

/** What the child built, with every `fd` already turned into a real fd of this process. */
export type BuiltModule = z.infer<typeof childReport>;

export type BuildOutcome =
  /** ok: it compiled (loads the kernel refused are listed in `module.loads`). */
  | { outcome: 'ok'; module: BuiltModule; fds: number[]; stderr: string }
  /** failed: clang reported errors; crashed: the compiler died or hung. */
  | { outcome: 'failed' | 'crashed'; stderr: string; signal?: string; status?: number };

export interface LoadRequest {
  name: string;
  /** enum bpf_prog_type */
  progType: number;
}

/** bcc-build's own exit statuses (addon/bcc_build.c). */
const BUILT = 0;
const NOT_COMPILED = 3;

export const BUILD_TIMEOUT_MS = 60_000;

export const buildBinary = path.join(nativeBinDir, 'bcc-build');

export async function buildInChild(
  source: string,
  cflags: string[],
  loads: LoadRequest[],
  options: { timeoutMs?: number } = {},
): Promise<BuildOutcome> {
  if (!existsSync(buildBinary)) {
    throw new Error(`the compiler helper is not built (${buildBinary} is missing): run \`sudo ./scripts/setup.sh\` or \`npm run build:native\``);
  }
  const timeoutMs = options.timeoutMs ?? BUILD_TIMEOUT_MS;
  const args = [...loads.flatMap((l) => ['--load', `${l.name}:${l.progType}`]), '--', ...cflags];
  const [ours, theirs] = addon().socketPair();
  let child: ChildProcessByStdio<Writable, Readable, Readable>;
  try {
    child = spawn(buildBinary, args, { stdio: ['pipe', 'pipe', 'pipe', theirs] }) as ChildProcessByStdio<Writable, Readable, Readable>;
  } catch (e) {
    closeSync(ours);
    throw e;
  } finally {
    closeSync(theirs); // the child has its copy as fd 3
  }
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // If we exit first, the compiler (which holds the maps it created) goes with us.
    const unregister = onRelease(() => child.kill('SIGKILL'));
    /** Takes whatever fds the child sent; closes them unless they are wanted. */
    const takeFds = (keep: boolean): number[] => {
      const fds = addon().receiveFds(ours);
      closeSync(ours);
      if (!keep) for (const fd of fds) closeSync(fd);
      return keep ? fds : [];
    };
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A child that dies before reading all of stdin makes our write fail with EPIPE; its exit
    // status says what happened, so the write error itself is not news.
    child.stdin.on('error', () => {});
    child.stdin.end(source);
    child.on('error', (e) => {
      clearTimeout(timer);
      unregister();
      takeFds(false);
      reject(new Error(`cannot run the compiler helper ${buildBinary}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      unregister();
      let stderr = Buffer.concat(err).toString('utf8');
      const built = status === BUILT && !signal && !timedOut;
      const fds = takeFds(built);
      if (timedOut) {
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        stderr += `\nThe compiler did not finish within ${limit} and was stopped.\n`;
        resolve({ outcome: 'crashed', stderr, signal: signal ?? 'SIGKILL' });
      } else if (signal) {
        stderr += `\nThe compiler crashed (${signal}).\n`;
        resolve({ outcome: 'crashed', stderr, signal });
      } else if (built) {
        try {
          resolve({ outcome: 'ok', module: withRealFds(childReport.parse(JSON.parse(Buffer.concat(out).toString('utf8'))), fds), fds, stderr });
        } catch (e) {
          for (const fd of fds) closeSync(fd);
          reject(new Error(`the compiler helper's report could not be read: ${(e as Error).message}`));
        }
      } else if (status === NOT_COMPILED) {
        resolve({ outcome: 'failed', stderr, status });
      } else {
        // LLVM's fatal errors exit(1): the compiler stopped without finishing.
        resolve({ outcome: 'crashed', stderr, status: status ?? undefined });
      }
    });
  });
}

/** Replaces the child's fd indexes with the fds we received (-1 stays -1). */
function withRealFds(report: BuiltModule, fds: number[]): BuiltModule {
  const real = (index: number) => {
    if (index < 0) return -1;
    if (index >= fds.length) throw new Error(`fd #${index} was named but only ${fds.length} arrived`);
    return fds[index]!;
  };
  return {
    ...report,
    tables: report.tables.map((t) => ({ ...t, fd: real(t.fd) })),
    loads: report.loads.map((l) => ({ ...l, fd: real(l.fd) })),
  };
}
