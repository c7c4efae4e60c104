// A snapshot store for React's useSyncExternalStore, with publishing throttled: however
// fast events arrive, subscribers hear of them at most once per interval (the renders the
// UI does stay ≤ 1000/intervalMs a second), and always of the latest state.

export class ThrottledStore<T> {
  private snapshot: T;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastPublished = 0;

  constructor(
    private readonly build: () => T,
    private readonly intervalMs = 50,
  ) {
    this.snapshot = build();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T => this.snapshot;

  /** Something changed: publish a new snapshot now, or when the interval allows. */
  changed(): void {
    if (this.timer) return;
    const wait = this.lastPublished + this.intervalMs - Date.now();
    if (wait <= 0) this.publish();
    else this.timer = setTimeout(() => this.publish(), wait);
  }

  /** Publishes at once (and cancels a pending publish). */
  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastPublished = Date.now();
    this.snapshot = this.build();
    for (const listener of [...this.listeners]) listener();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
