// Exactly what build/Release/bcc_addon.node exports (addon/addon.cc). Nothing more: the
// logic that interprets these values lives in TypeScript (src/engine/).

/** A table of a compiled module, as libbcc describes it. */
export interface NativeTableInfo {
  name: string;
  /** enum bpf_map_type (1 = hash, 4 = perf event array, …). */
  type: number;
  fd: number;
  keySize: number;
  leafSize: number;
  maxEntries: number;
  flags: number;
  /** BCC's JSON-ish type descriptions; not always valid JSON (see docs/architecture.md). */
  keyDesc: string | null;
  leafDesc: string | null;
}

/** The outcome of a syscall-backed call: fd >= 0 on success, else errno and what libbcc printed. */
export interface NativeFdResult {
  fd: number;
  errno: number;
  /** strerror(errno), or "" on success. */
  error: string;
  /** What libbcc wrote to fd 2 during the call (captured, never shown directly). */
  stderr: string;
}

export interface NativeLoadResult extends NativeFdResult {
  /** The kernel verifier's log; filled when the load failed. */
  log: string;
}

export declare class BpfModule {
  private constructor();
  functionNames(): string[];
  tables(): NativeTableInfo[];
  /** `name#type` strings of the struct submitted to a BPF_PERF_OUTPUT, e.g. `msg#char[400]`. */
  perfEventFields(table: string): string[];
  tableFd(name: string): number;
  loadFunction(name: string, progType: number, attachType?: number): Promise<NativeLoadResult>;
  unloadFunction(progFd: number): boolean;
  /** Attaches as a kprobe (isReturn = kretprobe) on kernel function `kernelFn`, named `event`. */
  attachKprobe(progFd: number, isReturn: boolean, event: string, kernelFn: string): NativeFdResult;
  attachTracepoint(progFd: number, category: string, name: string): NativeFdResult;
  /** Detaches one attachment by the fd an attach call returned. */
  detach(linkFd: number): boolean;
  /** Detaches everything, unloads every program, frees the maps. Safe to call twice. */
  close(): void;
}

export interface PerfBufferOptions {
  /** Pages per CPU ring; a power of two. */
  pageCount: number;
  /** Events per wake-up; 1 where the libbcc lacks wake-up thresholds. */
  wakeupEvents: number;
  /** Longest time an event may wait in a ring before it is drained, in ms. */
  flushMs: number;
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
}

/**
 * Called on the JavaScript thread with a batch of raw events: event i is
 * bytes.subarray(offsets[i], offsets[i + 1]); `lost` counts events the kernel dropped;
 * `completeNs` is the CLOCK_MONOTONIC time at which the last full drain of every ring began:
 * no event stamped before it is still to come (what the reorder window waits for).
 */
export type PerfBatchCallback = (bytes: Buffer, offsets: Uint32Array, lost: number, completeNs: number) => void;

export declare class PerfBuffer {
  constructor(mapFd: number, cpus: number[], options: PerfBufferOptions, onBatch: PerfBatchCallback);
  /** Joins the poller thread and frees the rings; events still buffered are delivered first. */
  stop(): void;
  stats(): PerfBufferStats;
}

export interface NativeCompileResult {
  /** null when the compile failed; stderr then holds clang's diagnostics. */
  module: BpfModule | null;
  stderr: string;
}

export interface Addon {
  compile(source: string, cflags: string[]): Promise<NativeCompileResult>;
  BpfModule: typeof BpfModule;
  PerfBuffer: typeof PerfBuffer;
  /** The libbcc version the addon was built against, e.g. "0.26.0". */
  libbccVersion: string;
  features: { loadAttachType: boolean; wakeupThreshold: boolean };
}
