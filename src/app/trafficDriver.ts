// The app's traffic to the level's target (the demo server): one request on demand (`r`), or one every few
// seconds (`a`), at a size the learner picks (`+`/`-`). One request at a time: automatic
// traffic skips a tick rather than pile requests up behind a slow server.
import { EventEmitter } from 'node:events';
import type { Target } from '../targets/targets.js';

/** Sizes `+` and `-` step through; 400 is DATA_LEN, the most one event carries. */
export const REQUEST_SIZES = [10, 20, 50, 100, 200, 400, 1000, 4000] as const;

export interface SentRequest {
  size: number;
  status: number;
  /** The client's port: the open event's address, if the learner's hook reads it right. */
  localPort: number | null;
  /** When the request was started and answered (ms). */
  startedAt: number;
  answeredAt: number;
}

interface TrafficEvents {
  reply: [SentRequest];
  /** A request failed (not 'error': an EventEmitter throws that one when nobody listens). */
  failed: [string];
  change: [];
}

export class TrafficDriver extends EventEmitter<TrafficEvents> {
  private sizeIndex = REQUEST_SIZES.indexOf(50);
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  sent = 0;
  failed = 0;
  lastError: string | null = null;

  constructor(
    private readonly target: () => Target | null,
    readonly intervalMs = 2000,
  ) {
    super();
  }

  get size(): number {
    return REQUEST_SIZES[this.sizeIndex]!;
  }

  get auto(): boolean {
    return this.timer !== null;
  }

  /** Sends one request; resolves when it is answered (or failed: reported, never thrown). */
  async sendOne(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const startedAt = Date.now();
    const size = this.size;
    this.inFlight++;
    // Counted as it goes out: its events may reach the columns before its reply reaches us.
    this.sent++;
    this.emit('change');
    try {
      const reply = await target.request(size);
      this.lastError = null;
      const localPort = (reply as { localPort?: number }).localPort ?? null;
      this.emit('reply', { size, status: reply.status, localPort, startedAt, answeredAt: Date.now() });
    } catch (e) {
      this.failed++;
      this.lastError = e instanceof Error ? e.message : String(e);
      this.emit('failed', this.lastError);
    } finally {
      this.inFlight--;
      this.emit('change');
    }
  }

  setAuto(on: boolean): void {
    if (on === this.auto) return;
    if (on) {
      this.timer = setInterval(() => {
        if (this.inFlight === 0) void this.sendOne();
      }, this.intervalMs);
      void this.sendOne(); // no need to wait for the first tick
    } else {
      clearInterval(this.timer!);
      this.timer = null;
    }
    this.emit('change');
  }

  toggleAuto(): void {
    this.setAuto(!this.auto);
  }

  /** Steps the request size up (+1) or down (-1). */
  resize(step: 1 | -1): void {
    this.sizeIndex = Math.min(REQUEST_SIZES.length - 1, Math.max(0, this.sizeIndex + step));
    this.emit('change');
  }

  stop(): void {
    this.setAuto(false);
  }
}
