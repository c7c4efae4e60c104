// A child process of the benchmark (a generator or a consumer) spoken to in lines: we write
// commands to its stdin, wait for lines on its stdout, and read its CPU time from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { statTicks, TICK_MS } from './procStat.js';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class LineProcess {
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  private stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8192);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiter?.();
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code) => {
        running.delete(child);
        this.waiter?.();
        resolve(code);
      });
      child.once('error', () => {
        running.delete(child);
        resolve(null);
      });
    });
  }

  static spawn(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): LineProcess {
    return new LineProcess(name, spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(line: string): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(`${line}\n`);
  }

  /** The first line (old or new) that `parse` accepts; throws after timeoutMs or if the process ends. */
  async waitFor<T>(parse: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.lines.length > 0) {
        const found = parse(this.lines.shift()!);
        if (found !== undefined) return found;
      }
      if (!this.alive) throw new Error(`${this.name} ended before ${what}${this.detail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`${this.name} did not report ${what} within ${Math.round(timeoutMs / 1000)} s${this.detail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** The next JSON line whose `type` is `type`. */
  waitForJson<T extends object>(type: string, timeoutMs: number): Promise<T> {
    return this.waitFor((line) => {
      if (!line.startsWith('{')) return undefined;
      const value = JSON.parse(line) as { type?: string };
      return value.type === type ? (value as T) : undefined;
    }, timeoutMs, `"${type}"`);
  }

  /** User + system CPU time of the whole process (every thread), in µs. */
  cpuMicros(): number {
    return statTicks(`/proc/${this.pid}/stat`) * TICK_MS * 1000;
  }

  /** Closes stdin (our consumers stop on that), then SIGKILL if it lingers. */
  async stop(graceMs = 10_000): Promise<void> {
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private detail(): string {
    const text = this.stderr.trim();
    return text ? `: ${text.split('\n').slice(-5).join(' | ')}` : '';
  }
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
