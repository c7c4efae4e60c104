// Exactly what build/Release/bcc_addon.node exports (addon/addon.cc). Nothing more: the
// logic that interprets these values lives in TypeScript (src/engine/). Compiling and loading
// are not here: build/bin/bcc-build does them in a child process (src/engine/buildInChild.ts).

/** The outcome of a syscall-backed call: fd >= 0 on success, else errno and what libbcc printed. */
export interface NativeFdResult {
  fd: number;
  errno: number;
  /** strerror(errno), or "" on success. */
  error: string;
  /** What libbcc wrote to fd 2 during the call (captured, never shown directly). */
  stderr: string;
}

/**
 * The maps and programs of one built program (fds received from bcc-build), and what is
 * attached from them. Owns the fds it is given: close() — or the process's exit — detaches
 * everything and closes them all.
 */
export declare class BpfObjects {
  constructor(fds: number[]);
  /** Attaches program `progFd` (one of ours) as a kprobe (isReturn = kretprobe) on `kernelFn`, named `event`. */
  attachKprobe(progFd: number, isReturn: boolean, event: string, kernelFn: string): NativeFdResult;
  attachTracepoint(progFd: number, category: string, name: string): NativeFdResult;
  /**
   * Attaches program `progFd` as a uprobe (isReturn = uretprobe) on `symbol` of the ELF file
   * `binaryPath`, named `event`; pid -1 probes every process mapping that file. A symbol the
   * file does not have fails with errno ENOENT.
   */
  attachUprobe(progFd: number, isReturn: boolean, event: string, binaryPath: string, symbol: string, pid: number): NativeFdResult;
  /** Writes one element of map `mapFd` (one of ours): the errno, 0 on success. */
  updateElement(mapFd: number, key: Buffer, value: Buffer): number;
  /** Reads one element of map `mapFd`: `valueSize` bytes, or null when the key is absent. */
  lookupElement(mapFd: number, key: Buffer, valueSize: number): Buffer | null;
  /** Detaches one attachment by the fd an attach call returned. */
  detach(linkFd: number): boolean;
  /** Detaches everything and closes every fd. Safe to call twice. */
  close(): void;
}

export interface PerfBufferOptions {
  /** Pages per CPU ring; a power of two. */
  pageCount: number;
  /** Events per wake-up; 1 where the libbcc lacks wake-up thresholds. */
  wakeupEvents: number;
  /** Longest time an event may wait in a ring before it is drained, in ms. */
  flushMs: number;
  /**
   * Bytes read but not yet taken by JavaScript past which the poller stops reading (the
   * rings then fill, and the kernel drops and counts events); 64 MiB when absent.
   */
  maxBacklogBytes?: number;
}

export interface PerfBufferStats {
  events: number;
  lost: number;
  batches: number;
  /** Times the poller paused because JavaScript had too much unread (see perf_buffer.cc). */
  backlogWaits: number;
  /** Whether the poller thread got its real-time priority. */
  realtime: boolean;
  running: boolean;
  /**
   * Whether `lost` is every event the kernel dropped: the rings were made to report their
   * drops (addon/lost_marker.h), and after stop() every ring did.
   */
  lostExact: boolean;
  /** Times every ring was made to report its drops. */
  markerRounds: number;
}

/**
 * Called on the JavaScript thread with a batch of raw events: event i is
 * bytes.subarray(offsets[i], offsets[i + 1]); `lost` counts events the kernel dropped;
 * `completeNs` is the CLOCK_MONOTONIC time at which the last full drain of every ring began:
 * no event stamped before it is still to come (what the reorder window waits for); `final`
 * marks the last batch after stop(): nothing of this buffer follows it, and every drop the
 * rings counted is in `lost` by then.
 */
export type PerfBatchCallback = (bytes: Buffer, offsets: Uint32Array, lost: number, completeNs: number, final: boolean) => void;

export declare class PerfBuffer {
  constructor(mapFd: number, cpus: number[], options: PerfBufferOptions, onBatch: PerfBatchCallback);
  /**
   * Joins the poller thread and frees the rings; events still buffered, and the drops counted
   * up to now, are delivered after (asynchronously: the batch marked final is the last).
   */
  stop(): void;
  stats(): PerfBufferStats;
}

export interface Addon {
  /** A connected pair of Unix stream sockets, [ours, theirs], both close-on-exec. */
  socketPair(): [number, number];
  /** Every fd queued on `socket` in SCM_RIGHTS messages, in the order sent; never blocks. */
  receiveFds(socket: number): number[];
  BpfObjects: typeof BpfObjects;
  PerfBuffer: typeof PerfBuffer;
  /** The libbcc version the addon was built against, e.g. "0.26.0". */
  libbccVersion: string;
  features: { wakeupThreshold: boolean };
}
