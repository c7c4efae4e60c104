// One BPF_PERF_OUTPUT being read: the addon hands over batches of raw events; this splits
// them into per-event views (no copies) for the decoder — or, for a handler made with
// batchHandler(), passes the batch whole so a hot path can read events in place.
import type { PerfBuffer, PerfBufferOptions, PerfBufferStats } from '../native/bccAddon.js';
import { addon } from '../native/addon.js';
import { onlineCpus } from './cpus.js';
import { onRelease } from './shutdown.js';

export type RawEventsHandler = (events: Buffer[], lost: number) => void;

/** Raw events as the addon hands them over: event i is bytes[offsets[i] .. offsets[i + 1]). */
export interface RawBatch {
  bytes: Buffer;
  offsets: Uint32Array;
  count: number;
  /** Events the kernel dropped since the previous batch. */
  lost: number;
  /**
   * CLOCK_MONOTONIC ns (bpf_ktime_get_ns's clock) at the start of the last full drain of the
   * rings: every event stamped before it has been handed over, in this batch or before.
   * 0 when no drain finished since the previous batch (or this libbcc cannot drain).
   */
  completeNs: number;
  /** The last batch, after stop(): every event read and every drop counted is in by now. */
  final: boolean;
}

const wholeBatches = Symbol('whole batches');
type BatchAwareHandler = RawEventsHandler & { [wholeBatches]?: (batch: RawBatch) => void };

/**
 * A handler that gets each batch whole rather than an array of per-event Buffers: at
 * hundreds of thousands of events a second, making a view per event is a cost of its own.
 */
export function batchHandler(onBatch: (batch: RawBatch) => void): RawEventsHandler {
  const handler: BatchAwareHandler = () => {
    throw new Error('a batch handler is called by PerfOutput with whole batches');
  };
  handler[wholeBatches] = onBatch;
  return handler;
}

/**
 * The runner's ring settings: a wake-up every 16 events and 256 pages keep up with
 * hundreds of thousands of events a second. Every 20 ms the rings are drained and the batch
 * handed over, so a lone event shows within about 20 ms, and events wait little for their
 * turn to be put in order (events that wait longer outlive V8's young generation, and
 * collecting them costs more than anything else the capture does).
 */
export const defaultPerfBufferOptions: PerfBufferOptions = { pageCount: 256, wakeupEvents: 16, flushMs: 20 };

export class PerfOutput {
  private buffer: PerfBuffer | undefined;
  private readonly unregister: () => void;
  /** The ring settings in effect (defaults, the caller's, and what this libbcc allows). */
  readonly settings: PerfBufferOptions;

  /** Settles once the batch marked final was handled: after stop(), nothing more comes. */
  readonly drained: Promise<void>;

  constructor(
    readonly name: string,
    mapFd: number,
    onEvents: RawEventsHandler,
    options: Partial<PerfBufferOptions> = {},
  ) {
    const settings = { ...defaultPerfBufferOptions, ...options };
    if (!addon().features.wakeupThreshold) settings.wakeupEvents = 1;
    this.settings = settings;
    let settle = () => {};
    this.drained = new Promise<void>((resolve) => (settle = resolve));
    const onBatch = (onEvents as BatchAwareHandler)[wholeBatches];
    this.buffer = new (addon().PerfBuffer)(
      mapFd,
      onlineCpus(),
      settings,
      (bytes, offsets, lost, completeNs, final) => {
        try {
          if (onBatch) onBatch({ bytes, offsets, count: offsets.length - 1, lost, completeNs, final });
          else {
            const events: Buffer[] = new Array(offsets.length - 1);
            for (let i = 0; i < events.length; i++) events[i] = bytes.subarray(offsets[i], offsets[i + 1]);
            onEvents(events, lost);
          }
        } finally {
          if (final) settle();
        }
      },
    );
    this.unregister = onRelease(() => this.stop());
  }

  private finalStats: PerfBufferStats = { events: 0, lost: 0, batches: 0, backlogWaits: 0, realtime: false, running: false, lostExact: false, markerRounds: 0 };

  stats(): PerfBufferStats {
    return this.buffer?.stats() ?? this.finalStats;
  }

  /**
   * Stops reading; events already read, and every drop the rings counted, are still delivered
   * (asynchronously: `drained` settles after the last batch). Detach the hooks first for an
   * exact count: whatever they submit after this is neither read nor counted.
   */
  stop(): void {
    if (!this.buffer) return;
    this.buffer.stop();
    this.finalStats = this.buffer.stats();
    this.buffer = undefined;
    this.unregister();
  }
}
