// The bcc-build processes that compile for us (src/engine/buildInChild.ts), and one started
// ahead of need. Starting one costs some 25–30 ms before it can read a byte — exec, then the
// dynamic loader relocating libclang and libLLVM — so prepareKernel() starts a spare before it
// goes to work, and the first compile finds it ready. (python-bcc pays the same cost when it
// imports bcc, before any compile.) While it waits, the spare also touches the heap the compile
// will use (addon/bcc_build.cc, warm_heap: ~20 ms of page faults out of the learner's wait).
// The spare is started before the kernel headers are known:
// BCC_KERNEL_SOURCE reaches it in the request (FORWARDED), not in its environment.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { addon, nativeBinDir } from '../native/addon.js';
import { onRelease } from './shutdown.js';
import { atBasePriority } from './priority.js';

export const buildBinary = path.join(nativeBinDir, 'bcc-build');

export interface CompilerProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Our end of the socket the child sends its fds on (its fd 3). */
  socket: number;
  /** The environment it was started with (less FORWARDED): a spare of another one is not used. */
  environment: string;
  /** Ends it (if still running) and closes our socket; safe to call twice. */
  dispose(): void;
}

let spare: CompilerProcess | null = null;

/** Variables sent with each request rather than inherited: they may change after a spare starts. */
const FORWARDED = ['BCC_KERNEL_SOURCE'] as const;

/** The headers prepareKernel chose; undefined until it ran. */
let chosenKernelSource: string | null | undefined;

/**
 * The kernel header tree every compile is given as BCC_KERNEL_SOURCE, from prepareKernel();
 * null gives none (BCC then finds its own: the kheaders tarball). The process environment is
 * left as the user set it.
 */
export function useKernelSource(kernelSource: string | null): void {
  chosenKernelSource = kernelSource;
}

/**
 * The BCC_KERNEL_SOURCE of a compile: the one asked for, else the one prepareKernel chose,
 * else (before it ran) the user's own.
 */
export function kernelSourceFor(asked?: string | null): string | null {
  if (asked !== undefined) return asked;
  if (chosenKernelSource !== undefined) return chosenKernelSource;
  return process.env.BCC_KERNEL_SOURCE ?? null;
}

/**
 * glibc's malloc backs the heap with transparent huge pages (where the kernel offers them on
 * request: /sys/kernel/mm/transparent_hugepage/enabled). A compile touches some 50 MB of heap;
 * in 4 KiB pages that is ~15 000 page faults, which cost ~10% of the compile in a VM. Older
 * glibc and other C libraries ignore the setting.
 */
const MALLOC_TUNABLES = 'glibc.malloc.hugetlb=1';

/** The environment a compiler process starts with: ours, less what each request carries. */
function compilerEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of FORWARDED) delete env[name];
  env.GLIBC_TUNABLES = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${MALLOC_TUNABLES}` : MALLOC_TUNABLES;
  return env;
}

const environmentKey = () => JSON.stringify(compilerEnvironment());

function start(): CompilerProcess {
  if (!existsSync(buildBinary)) {
    throw new Error(`the compiler helper is not built (${buildBinary} is missing): run \`./scripts/setup.sh\` or \`npm run build:native\``);
  }
  const [ours, theirs] = addon().socketPair();
  let child: CompilerProcess['child'];
  try {
    child = spawn(buildBinary, [], { stdio: ['pipe', 'pipe', 'pipe', theirs], env: compilerEnvironment() }) as CompilerProcess['child'];
    atBasePriority(child.pid);
  } catch (e) {
    closeSync(ours);
    throw e;
  } finally {
    closeSync(theirs); // the child has its copy as fd 3
  }
  let disposed = false;
  const unregister = onRelease(() => compiler.dispose());
  const compiler: CompilerProcess = {
    child,
    socket: ours,
    environment: environmentKey(),
    dispose() {
      if (disposed) return;
      disposed = true;
      unregister();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      closeSync(ours);
    },
  };
  return compiler;
}

/** Holds or releases the event loop for a process: a spare must not keep us running. */
function setRef(p: CompilerProcess, ref: boolean): void {
  for (const handle of [p.child, p.child.stdin, p.child.stdout, p.child.stderr] as { ref(): void; unref(): void }[]) {
    if (ref) handle.ref();
    else handle.unref();
  }
}

/**
 * Starts a spare compiler process now, if there is none, so the next build need not wait for
 * one. Best effort: if it cannot start, the build that needs one says why.
 */
export function warmUpCompiler(): void {
  if (spare || !existsSync(buildBinary)) return;
  try {
    spare = start();
  } catch {
    return;
  }
  setRef(spare, false);
  // A spare that dies idle (killed from outside) is simply not used.
  spare.child.on('error', () => {});
  spare.child.stdin.on('error', () => {});
}

/** A compiler process for one build: the spare if it is alive and current, else a new one. */
export function takeCompiler(): CompilerProcess {
  const candidate = spare;
  spare = null;
  if (candidate) {
    const child = candidate.child;
    const alive = child.pid !== undefined && child.exitCode === null && child.signalCode === null;
    if (alive && candidate.environment === environmentKey()) {
      setRef(candidate, true);
      return candidate;
    }
    candidate.dispose();
  }
  return start();
}
