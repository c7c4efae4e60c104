// A target server as a child process: started, awaited until it prints "listening HOST:PORT",
// stopped (SIGTERM, then SIGKILL), and killed if we exit without stopping it — a target never
// outlives the workshop (the demo server also asks the kernel to stop it if we die). TLS targets then print "tls-bytes IN OUT" as each connection closes:
// the encrypted bytes its socket carried, counted here.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { WorkshopError } from '../errors/workshopError.js';
import { atBasePriority } from '../engine/priority.js';

export interface ListeningProcessSpec {
  /** How messages name it: "the demo server", "Python's HTTPS server". */
  what: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Spawn as this user (we are root); its cwd is then somewhere it may be. */
  runAs?: { uid: number; gid: number };
  /** Written to its stdin, which then stays open for as long as we live. */
  stdin?: string;
  /** Its URL's scheme. */
  scheme: 'http' | 'https';
  startTimeoutMs?: number;
  /** What to do when it cannot be run at all (the command is missing). */
  whenMissing: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Encrypted bytes that crossed a TLS target's sockets, over the connections it has closed. */
export interface EncryptedBytes {
  connections: number;
  received: number;
  sent: number;
}

/**
 * What the learner reads beside the plaintext their hooks captured: the wire carried only TLS
 * records, this many bytes of them — a line (`run`), or a few words (the app's traffic bar).
 * null until a TLS target has reported a closed connection.
 */
export function describeEncrypted(encrypted: EncryptedBytes, form: 'line' | 'short' = 'line'): string | null {
  if (encrypted.connections === 0) return null;
  const bytes = (n: number) => n.toLocaleString('en-US');
  if (form === 'short') return `wire: ${bytes(encrypted.received + encrypted.sent)} B of TLS records`;
  const connections = encrypted.connections === 1 ? '1 connection' : `${encrypted.connections} connections`;
  return `the wire carried only TLS records: ${bytes(encrypted.received)} encrypted bytes in, ${bytes(encrypted.sent)} out (${connections})`;
}

/** A host as a URL writes it: an IPv6 address in brackets. */
export function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A failure to run or reach a target server (SERVER_FAILED); the message says what to do next. */
export function targetServerError(message: string): WorkshopError {
  return new WorkshopError('SERVER_FAILED', message);
}

const STDERR_KEPT = 4096;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killRunningOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export class ListeningProcess {
  private stopRequested = false;

  private constructor(
    /** How messages name it: "the demo server". */
    readonly what: string,
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly host: string,
    readonly port: number,
    private readonly scheme: 'http' | 'https',
    /** Settles when the process ends, however that happens. */
    readonly exited: Promise<ProcessExit>,
    /** Updated as the target reports each closed connection (TLS targets only). */
    readonly encrypted: Readonly<EncryptedBytes>,
  ) {}

  get url(): string {
    return `${this.scheme}://${hostInUrl(this.host)}:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Calls listener once if the process ends without stop() having been called (a crash, a kill
   * from outside). Returns the function that stops listening.
   */
  onUnexpectedExit(listener: (exit: ProcessExit, description: string) => void): () => void {
    let listening = true;
    void this.exited.then((exit) => {
      if (listening && !this.stopRequested) listener(exit, describeExit(this.what, exit));
    });
    return () => {
      listening = false;
    };
  }

  static async start(spec: ListeningProcessSpec): Promise<ListeningProcess> {
    killRunningOnExit();
    // A session of its own: a Ctrl-C at the terminal (or `timeout`'s signal to its group)
    // reaches us, and we stop the target ourselves, rather than the target dying first and
    // looking like a crash. If we die, it goes too (--exit-with-parent, or its stdin closing).
    const options: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], env: spec.env, detached: true };
    if (spec.runAs) Object.assign(options, { uid: spec.runAs.uid, gid: spec.runAs.gid, cwd: '/' });
    const child = spawn(spec.command, spec.args, options);
    atBasePriority(child.pid);
    running.add(child);
    child.stdin!.on('error', () => {}); // it may exit before reading what we write
    if (spec.stdin !== undefined) child.stdin!.write(spec.stdin);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      // 'close' rather than 'exit': by then its stderr has been read to the end.
      child.once('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
      child.once('error', () => {
        running.delete(child); // a failed spawn emits 'error' and no 'close'
        resolve({ code: null, signal: null });
      });
    });

    const timeoutMs = spec.startTimeoutMs ?? 10_000;
    const encrypted: EncryptedBytes = { connections: 0, received: 0, sent: 0 };
    try {
      return await new Promise<ListeningProcess>((resolve, reject) => {
        let pending = '';
        const timer = setTimeout(
          () => reject(targetServerError(`${spec.what} did not start listening within ${timeoutMs / 1000} s${detail(stderr)}`)),
          timeoutMs,
        );
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            const listening = /^listening (\S+):(\d+)$/.exec(line);
            const bytes = /^tls-bytes (\d+) (\d+)$/.exec(line);
            if (listening) {
              clearTimeout(timer);
              const host = listening[1]!.replace(/^\[(.*)\]$/, '$1');
              resolve(new ListeningProcess(spec.what, child, child.pid!, host, Number(listening[2]), spec.scheme, exited, encrypted));
            } else if (bytes) {
              encrypted.connections++;
              encrypted.received += Number(bytes[1]);
              encrypted.sent += Number(bytes[2]);
            }
          }
        });
        child.once('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          reject(targetServerError(`could not run ${spec.what} (${error.code ?? error.message}): ${spec.whenMissing}`));
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          reject(targetServerError(`${spec.what} ${how} before listening${detail(stderr)}`));
        });
      });
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw error;
    }
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

/** One line saying how it ended: "the demo server was killed by SIGSEGV (signal 11)". */
export function describeExit(what: string, exit: ProcessExit): string {
  if (exit.signal) {
    const number = osConstants.signals[exit.signal];
    return `${what} was killed by ${exit.signal}${number ? ` (signal ${number})` : ''}`;
  }
  return exit.code === null ? `${what} could not be run` : `${what} exited with code ${exit.code}`;
}

function detail(stderr: string): string {
  const text = stderr.trim();
  return text ? `: ${text}` : ' (it printed nothing)';
}
