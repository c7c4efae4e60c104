// Compiles a BCC program and loads the functions asked for in a child process
// (build/bin/bcc-build), which passes the maps' and programs' fds back over a Unix socket.
// LLVM ends the whole process on some backend errors — a BPF stack over 512 bytes is the one
// learners meet — and keeps ~80 MB of code resident in whoever compiled: both stay in the
// child (src/engine/compilerProcess.ts starts it; the kernel headers prepareKernel
// chose go with each request as BCC_KERNEL_SOURCE). Clang's diagnostics come on its stderr.
import { closeSync } from 'node:fs';
import { z } from 'zod';
import { addon } from '../native/addon.js';
import { buildBinary, kernelSourceFor, takeCompiler } from './compilerProcess.js';

/** What bcc-build prints on stdout (addon/bcc_build.cc); every `fd` indexes the fds it sent. */
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

/** bcc-build's own exit statuses (addon/bcc_build.cc). */
const BUILT = 0;
const NOT_COMPILED = 3;

export const BUILD_TIMEOUT_MS = 60_000;

/** What bcc-build reads on stdin: a header (environment, cflags, loads), then the program. */
function request(source: string, cflags: string[], loads: LoadRequest[], kernelSource: string | null): string {
  const environment = kernelSource === null ? [] : [`env BCC_KERNEL_SOURCE=${kernelSource}`];
  const header = [...environment, ...cflags.map((f) => `cflag ${f}`), ...loads.map((l) => `load ${l.name}:${l.progType}`), 'program'];
  if (header.some((line) => line.includes('\n'))) throw new Error('a cflag or function name contains a newline');
  return `${header.join('\n')}\n${source}`;
}

export async function buildInChild(
  source: string,
  cflags: string[],
  loads: LoadRequest[],
  options: { timeoutMs?: number; kernelSource?: string | null } = {},
): Promise<BuildOutcome> {
  const timeoutMs = options.timeoutMs ?? BUILD_TIMEOUT_MS;
  const input = request(source, cflags, loads, kernelSourceFor(options.kernelSource));
  const compiler = takeCompiler();
  const { child, socket: ours } = compiler;
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let finished = false;
    /** Takes whatever fds the child sent; closes them unless they are wanted. Once only. */
    const takeFds = (keep: boolean): number[] => {
      if (finished) return [];
      finished = true;
      const fds = addon().receiveFds(ours);
      compiler.dispose();
      if (!keep) for (const fd of fds) closeSync(fd);
      return keep ? fds : [];
    };
    const succeed = (report: BuiltModule, stderr: string) => {
      clearTimeout(timer);
      const fds = takeFds(true);
      try {
        resolve({ outcome: 'ok', module: withRealFds(report, fds), fds, stderr });
      } catch (e) {
        for (const fd of fds) closeSync(fd);
        reject(new Error(`the compiler helper's report could not be read: ${(e as Error).message}`));
      }
    };
    /** The report, if stdout holds a whole one (bcc-build writes it only after sending the fds). */
    const wholeReport = (): BuiltModule | null => {
      try {
        return childReport.parse(JSON.parse(Buffer.concat(out).toString('utf8')));
      } catch {
        return null;
      }
    };
    // bcc-build closes stdout and stderr when it is done, before its exit (tearing down LLVM
    // takes a while): a whole report by then is success, without waiting for the exit.
    let streamsOpen = 2;
    const streamEnded = () => {
      if (--streamsOpen > 0 || finished) return;
      const report = wholeReport();
      if (report) succeed(report, Buffer.concat(err).toString('utf8'));
    };
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk)).on('end', streamEnded);
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk)).on('end', streamEnded);
    // A child that dies before reading all of stdin makes our write fail with EPIPE; its exit
    // status says what happened, so the write error itself is not news.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.on('error', (e) => {
      clearTimeout(timer);
      takeFds(false);
      reject(new Error(`cannot run the compiler helper ${buildBinary}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (finished) return; // 'error' has said it already
      let stderr = Buffer.concat(err).toString('utf8');
      takeFds(false); // a build that worked has been taken when its streams ended
      if (timedOut) {
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        stderr += `\nThe compiler did not finish within ${limit} and was stopped.\n`;
        resolve({ outcome: 'crashed', stderr, signal: signal ?? 'SIGKILL' });
      } else if (signal) {
        stderr += `\nThe compiler crashed (${signal}).\n`;
        resolve({ outcome: 'crashed', stderr, signal });
      } else if (status === BUILT) {
        reject(new Error("the compiler helper's report could not be read: it exited without a whole one"));
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
