// Runs the native demo server (addon/demo_server.c, built into build/bin/demo-server): the
// program whose accept4/read/write/close calls the learner's hooks capture.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { nativeBinDir } from '../native/addon.js';
import { invokingUser } from '../util/invokingUser.js';

export interface NativeServerOptions {
  /** Address to listen on; loopback unless asked otherwise. */
  host?: string;
  /** Port to try first (the next ones are tried if busy); 0 picks any free port. */
  port?: number;
  /**
   * Who the server runs as when we are root; defaults to the user behind sudo, and without sudo
   * the server switches to nobody itself. It never keeps root.
   */
  runAs?: { uid: number; gid: number };
  /** How long to wait for the server to say it is listening. */
  startTimeoutMs?: number;
}

export interface NativeServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A failure to run or reach the demo server; the message says what to do next. */
export class NativeServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeServerError';
  }
}

const STDERR_KEPT = 4096;

// Servers still running, killed if we exit without stopping them: the demo server must never
// outlive the workshop. (It also asks the kernel to stop it if we die: --exit-with-parent.)
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killRunningOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** One line saying how the server ended: "the demo server was killed by SIGSEGV (signal 11)". */
export function describeExit(exit: NativeServerExit): string {
  if (exit.signal) {
    const number = osConstants.signals[exit.signal];
    return `the demo server was killed by ${exit.signal}${number ? ` (signal ${number})` : ''}`;
  }
  return exit.code === null ? 'the demo server could not be run' : `the demo server exited with code ${exit.code}`;
}

export class NativeServer {
  private stopRequested = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    /** The address it is bound to, as the server reported it. */
    readonly host: string,
    readonly port: number,
    /** Settles when the server process ends, however that happens. */
    readonly exited: Promise<NativeServerExit>,
  ) {}

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  /**
   * Calls listener once if the server ends without stop() having been called (a crash, a kill
   * from outside). Returns the function that stops listening.
   */
  onUnexpectedExit(listener: (exit: NativeServerExit, description: string) => void): () => void {
    let listening = true;
    void this.exited.then((exit) => {
      if (listening && !this.stopRequested) listener(exit, describeExit(exit));
    });
    return () => {
      listening = false;
    };
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static binary(): string {
    return path.join(nativeBinDir, 'demo-server');
  }

  static async start(opts: NativeServerOptions = {}): Promise<NativeServer> {
    const binary = NativeServer.binary();
    if (!existsSync(binary)) {
      throw new NativeServerError(
        `the demo server is not built (${binary} is missing): run \`sudo ./scripts/setup.sh\` or \`npm run build\``,
      );
    }
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? 8080;
    const runAs = opts.runAs ?? invokingUser();

    const args = ['--host', host, '--port', String(port), '--exit-with-parent'];
    // The server binds as root and then switches user itself, rather than being spawned as that
    // user: under `sudo npx` the binary sits in root's npm cache, which the user cannot reach.
    if (runAs && process.getuid?.() === 0 && runAs.uid !== 0) args.push('--user', `${runAs.uid}:${runAs.gid}`);
    // Whom it runs as is decided here (or, with no one to run as, by the server's fallback to
    // nobody), so the server's own fallback to SUDO_UID must not apply.
    const env = { ...process.env };
    delete env.SUDO_UID;
    delete env.SUDO_GID;

    killRunningOnExit();
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    running.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const exited = new Promise<NativeServerExit>((resolve) => {
      // 'close' rather than 'exit': by then its stderr has been read to the end.
      child.once('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
      // A failed spawn emits 'error' and no 'exit'.
      child.once('error', () => {
        running.delete(child);
        resolve({ code: null, signal: null });
      });
    });

    const timeoutMs = opts.startTimeoutMs ?? 10_000;
    let address: { host: string; port: number };
    try {
      address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
        let stdout = '';
        let listening = false;
        const timer = setTimeout(
          () => reject(new NativeServerError(`the demo server did not start listening within ${timeoutMs / 1000} s${detail(stderr)}`)),
          timeoutMs,
        );
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          if (listening) return; // the server prints nothing after this line
          stdout += chunk;
          const match = /^listening (\S+):(\d+)\n/m.exec(stdout);
          if (match) {
            listening = true;
            clearTimeout(timer);
            resolve({ host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) });
          }
        });
        child.once('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          reject(new NativeServerError(`could not run the demo server ${binary} (${error.code ?? error.message}): rebuild it with \`npm run build\``));
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          reject(new NativeServerError(`the demo server ${how} before listening${detail(stderr)}`));
        });
      });
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw error;
    }
    return new NativeServer(child, child.pid!, address.host, address.port, exited);
  }

  /** SIGTERM, then SIGKILL if it has not exited after graceMs. Safe to call more than once. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopRequested = true;
    if (!this.running) {
      await this.exited;
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function detail(stderr: string): string {
  const text = stderr.trim();
  return text ? `: ${text}` : ' (it printed nothing)';
}
