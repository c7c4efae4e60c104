// A running capture: the sniffer's decoded events, filtered to the processes we show, fed
// through a ConnectionTracker into exchanges. Listeners get events in batches, never one
// call per event, so a busy machine cannot flood the UI.
import { EventEmitter } from 'node:events';
import { ConnectionTracker, type Exchange, type TrackerOptions } from './connectionTracker.js';
import type { CaptureEvent } from './events.js';
import { monotonicNowNs, ReorderBuffer } from './reorderBuffer.js';
import type { PerfBufferOptions, PerfBufferStats } from '../native/bccAddon.js';
import type { PerfOutput } from '../engine/perfOutput.js';
import type { EventsSpec } from '../tracks/trackSpec.js';

/** How reading went, as the event source keeps it up to date. */
export interface CaptureCounters {
  decodeErrors: number;
  /** Events of processes the filter left out. */
  filtered: number;
  /** The perf outputs being read: their stats() tell how the reading went. */
  outputs: PerfOutput[];
}

/**
 * Where a capture's events come from (the sniffer's capture()). Named here, not imported, so
 * the capture layer does not reach up to the sniffer that feeds it.
 */
export interface EventSource {
  capture(
    onEvents: (events: CaptureEvent[], lost: number, completeNs: number) => void,
    options: { events: EventsSpec; perfBuffer?: Partial<PerfBufferOptions>; keepPid?: (pid: number) => boolean },
  ): CaptureCounters;
}

export interface CaptureCounts {
  open: number;
  ingress: number;
  egress: number;
  close: number;
  /** Events the kernel dropped because we did not read fast enough. */
  lost: number;
  /** Events of other processes that the filter left out. */
  filtered: number;
  decodeErrors: number;
  exchanges: number;
  /**
   * Whether `lost` is every event the hooks submitted and we did not get. Then open + ingress
   * + egress + close + filtered + decodeErrors + lost is what the hooks submitted, once the
   * capture was ended with finishWhenDrained(). False where the kernel would not run the
   * program that makes the rings report their drops (addon/lost_marker.h).
   */
  lostExact: boolean;
}

/** How long finishWhenDrained() waits for the readers' final batches. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * The longest events wait to be put in order: the native flush plus the hand-over. They
 * usually leave much sooner — as soon as every ring has been drained past them.
 */
export const REORDER_WINDOW_MS = 150;

/**
 * A drain that began at T has read every event stamped before T, except one whose program
 * was stamped just before T and submitted just after the drain passed its ring: events
 * stamped within this margin of T wait for the next drain.
 */
const DRAIN_MARGIN_NS = 5e6;

/** How often waiting events are looked at for release. */
const RELEASE_TICK_MS = 25;

export interface CaptureOptions {
  /** The track's events: which outputs to read, and how. */
  events: EventsSpec;
  /** Show only this process's events (the demo server); null shows every process. */
  onlyPid: number | null;
  tracker?: TrackerOptions;
  /** Pair events into exchanges (the default); a capture nobody reads exchanges from does without. */
  exchanges?: boolean;
  perfBuffer?: Partial<PerfBufferOptions>;
}

interface CaptureEvents {
  events: [CaptureEvent[]];
  exchange: [Exchange];
  lost: [number];
}

export class Capture extends EventEmitter<CaptureEvents> {
  readonly counts: CaptureCounts = { open: 0, ingress: 0, egress: 0, close: 0, lost: 0, filtered: 0, decodeErrors: 0, exchanges: 0, lostExact: false };
  private readonly tracker: ConnectionTracker | null;
  private readonly evictTimer: NodeJS.Timeout;
  private readonly releaseTimer: NodeJS.Timeout;
  private readonly sniffed: CaptureCounters;
  private readonly reorder = new ReorderBuffer();
  /** Every event stamped before this has been read from the kernel (0: not known yet). */
  private completeNs = 0;
  private lastTickNs = monotonicNowNs();
  /** Date.now() once per delivery: the tracker's idle clock needs no finer grain than that. */
  private clockMs = Date.now();

  constructor(sniffer: EventSource, options: CaptureOptions) {
    super();
    this.tracker =
      options.exchanges === false
        ? null
        : new ConnectionTracker(
            (exchange) => {
              this.counts.exchanges++;
              this.emit('exchange', exchange);
            },
            { now: () => this.clockMs, ...options.tracker },
          );
    // We never show our own process: printing a captured "HTTP/1.1 200" would capture itself.
    const ownPid = process.pid;
    const onlyPid = options.onlyPid;
    const keepPid = onlyPid === null ? (pid: number) => pid !== ownPid : (pid: number) => pid === onlyPid;
    this.sniffed = sniffer.capture(
      (events, lost, completeNs) => {
        for (let i = 0; i < events.length; i++) this.count(events[i]!);
        this.counts.filtered = this.sniffed.filtered;
        this.counts.decodeErrors = this.sniffed.decodeErrors;
        if (lost > 0) {
          this.counts.lost += lost;
          this.emit('lost', lost);
        }
        if (events.length > 0) this.deliver(this.reorder.push(events));
        if (completeNs > this.completeNs) {
          this.completeNs = completeNs;
          this.release();
        }
      },
      { events: options.events, perfBuffer: options.perfBuffer, keepPid },
    );
    this.releaseTimer = setInterval(() => this.release(true), RELEASE_TICK_MS).unref();
    this.evictTimer = setInterval(() => {
      this.clockMs = Date.now();
      this.tracker?.evictIdle();
    }, 1000).unref();
  }

  /**
   * Events every ring has been drained past, and, on a tick of the timer that came on time,
   * any that waited the whole window. A late tick means this thread was held up (a loaded
   * machine, a long GC): batches the pollers read meanwhile wait in the queue behind the
   * tick, and releasing by the window then would put a connection's close before its data.
   */
  private release(tick = false): void {
    const now = monotonicNowNs();
    let cutoff = this.completeNs - DRAIN_MARGIN_NS;
    if (tick) {
      if (now - this.lastTickNs < 2 * RELEASE_TICK_MS * 1e6) cutoff = Math.max(cutoff, now - REORDER_WINDOW_MS * 1e6);
      this.lastTickNs = now;
    }
    this.deliver(this.reorder.release(cutoff));
  }

  private deliver(events: CaptureEvent[]): void {
    if (events.length === 0) return;
    this.emit('events', events);
    this.clockMs = Date.now();
    const tracker = this.tracker;
    if (tracker) for (let i = 0; i < events.length; i++) tracker.add(events[i]!);
  }

  private count(event: CaptureEvent): void {
    if (event.type === 'data') this.counts[event.direction]++;
    else this.counts[event.type]++;
  }

  /** How reading the kernel's rings went, per perf output (events, lost, batches…). */
  perfStats(): PerfBufferStats[] {
    return this.sniffed.outputs.map((output) => output.stats());
  }

  /** The ring settings each perf output is read with. */
  perfSettings(): { name: string; settings: PerfBufferOptions }[] {
    return this.sniffed.outputs.map((output) => ({ name: output.name, settings: output.settings }));
  }

  /** Connections being tracked right now. */
  get openConnections(): number {
    return this.tracker?.size ?? 0;
  }

  /** Ends the capture's bookkeeping: whatever is still being tracked comes out as exchanges. */
  finish(): CaptureCounts {
    clearInterval(this.evictTimer);
    clearInterval(this.releaseTimer);
    this.deliver(this.reorder.drain());
    this.tracker?.flush();
    this.counts.decodeErrors = this.sniffed.decodeErrors;
    this.counts.filtered = this.sniffed.filtered;
    const stats = this.perfStats();
    this.counts.lostExact = stats.length > 0 && stats.every((s) => s.lostExact && !s.running);
    return { ...this.counts };
  }

  /**
   * finish(), once the sniffer is closed and its readers' final batches are in: every event
   * the hooks submitted has then been received or counted as lost. Call it after
   * sniffer.close() (which detaches the hooks first).
   */
  async finishWhenDrained(): Promise<CaptureCounts> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
    await Promise.race([Promise.all(this.sniffed.outputs.map((output) => output.drained)), timeout]);
    clearTimeout(timer);
    return this.finish();
  }
}
