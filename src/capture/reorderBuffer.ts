// Puts events back in the order they happened. Each perf output has its own rings, one per
// CPU, read in turn; a connection's open, request and close can come from different rings
// (other outputs, or a thread that moved CPU) and so reach us out of order. Events wait here
// until the caller's cutoff passes them (Capture: every ring drained past them, or at most a
// fixed window) and leave sorted by their bpf_ktime_get_ns() timestamp. Events without a
// timestamp leave at once, in arrival order.
import type { CaptureEvent } from './events.js';

export class ReorderBuffer {
  private pending: CaptureEvent[] = [];

  get size(): number {
    return this.pending.length;
  }

  /** Adds events; returns those without timestamps, which need no waiting. */
  push(events: CaptureEvent[]): CaptureEvent[] {
    const untimed: CaptureEvent[] = [];
    for (const event of events) {
      if (event.timestampNs === 0) untimed.push(event);
      else this.pending.push(event);
    }
    return untimed;
  }

  /** Events stamped at or before `cutoffNs` (monotonic clock), oldest first. */
  release(cutoffNs: number): CaptureEvent[] {
    if (this.pending.length === 0) return [];
    this.pending.sort((a, b) => a.timestampNs - b.timestampNs);
    let i = 0;
    while (i < this.pending.length && this.pending[i]!.timestampNs <= cutoffNs) i++;
    if (i === 0) return [];
    const ready = this.pending.slice(0, i);
    this.pending = this.pending.slice(i);
    return ready;
  }

  /** Everything left, oldest first. */
  drain(): CaptureEvent[] {
    return this.release(Number.POSITIVE_INFINITY);
  }
}

/** The clock bpf_ktime_get_ns() reads (CLOCK_MONOTONIC), in nanoseconds. */
export function monotonicNowNs(): number {
  return Number(process.hrtime.bigint());
}
