// A snapshot store for React's useSyncExternalStore, with publishing throttled: however
// fast events arrive, subscribers hear of them at most once per interval, and always of the
// latest state. A change after a quiet spell is published at once (a lone request shows as
// soon as it is captured); while changes keep coming faster than the interval — a load
// such as wrk's — the interval stretches to `busyIntervalMs`, so rendering the screen does not
// take the whole JS thread and a key is still answered at once.

export interface ThrottleOptions {
  /** The shortest time between two publishes. */
  intervalMs?: number;
  /** The time between publishes once changes have kept coming for `busyAfter` publishes. */
  busyIntervalMs?: number;
  /** Publishes in a row that had to wait for the interval before the store counts as busy. */
  busyAfter?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export class ThrottledStore<T> {
  private snapshot: T;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastPublished = 0;
  /** Publishes in a row that waited for the interval: changes are coming faster than it. */
  private waited = 0;
  private readonly intervalMs: number;
  private readonly busyIntervalMs: number;
  private readonly busyAfter: number;
  private readonly now: () => number;

  constructor(
    private readonly build: () => T,
    options: ThrottleOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 50;
    this.busyIntervalMs = Math.max(this.intervalMs, options.busyIntervalMs ?? 250);
    this.busyAfter = options.busyAfter ?? 3;
    this.now = options.now ?? Date.now;
    this.snapshot = build();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T => this.snapshot;

  /** Whether changes come fast enough that publishes are spaced by the longer interval. */
  get busy(): boolean {
    return this.waited >= this.busyAfter;
  }

  /** Something changed: publish a new snapshot now, or when the interval allows. */
  changed(): void {
    if (this.timer) return;
    const now = this.now();
    if (now - this.lastPublished >= this.intervalMs + this.busyIntervalMs) this.waited = 0; // a quiet spell
    const wait = this.lastPublished + (this.busy ? this.busyIntervalMs : this.intervalMs) - now;
    if (wait <= 0) return this.publish();
    this.timer = setTimeout(() => {
      this.waited++;
      this.publish();
    }, wait);
  }

  /** Publishes at once (and cancels a pending publish). */
  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastPublished = this.now();
    this.snapshot = this.build();
    for (const listener of [...this.listeners]) listener();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** One pending call at most: asked again, it keeps whichever is due first (at) or the latest (after). */
export class Timer {
  private timer: NodeJS.Timeout | null = null;
  private due = 0;

  /** Calls `run` in `ms` unless a call is already due sooner. */
  at(ms: number, run: () => void): void {
    const due = Date.now() + ms;
    if (this.timer && this.due <= due) return;
    this.set(due, run);
  }

  /** Calls `run` `ms` after the latest of these calls. */
  after(ms: number, run: () => void): void {
    this.set(Date.now() + ms, run);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private set(due: number, run: () => void): void {
    this.stop();
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      run();
    }, Math.max(0, due - Date.now())).unref();
  }
}
