// One path from a learner's file to a verdict. (source, track, level, this kernel's attach
// mode) → the program compiled for this kernel with the hooks of levels ≤ N loaded, the
// verifier's verdict on each (BuiltProgram); attached to a target → its hooks, the capture of
// the target's events and the level's judge over them (LiveProgram). `run`, `check`, both
// columns of `start` and `demo` go through here, and nothing else builds or attaches a
// program. Closing a LiveProgram releases all of it; the shutdown registry does it on a signal.
import { keptExchange, type Exchange } from '../capture/connectionTracker.js';
import type { CaptureEvent } from '../capture/events.js';
import { Capture, type CaptureOptions } from '../capture/capture.js';
import type { AttachMode } from '../kernel/features.js';
import { prepareKernel, type AttachRequest, type KernelEnvironment } from '../kernel/environment.js';
import { emptyCapture, type CaptureReport, type CheckResult } from '../report/checkReport.js';
import { Sniffer, type AttachedHook } from '../sniffer/sniffer.js';
import type { Target } from '../targets/targets.js';
import type { ExpectedEvents, HookSpec } from '../tracks/levelSpec.js';
import { hooksUpTo, levelOf, type Track } from '../tracks/tracks.js';
import { captureReport, evaluate } from './judge.js';

export interface ProgramSource {
  text: string;
  /** The file as the learner named it: diagnostics and locations use this name. */
  fileName: string;
}

/** A learner's file checked or run at a level of a track on this kernel (`check`, `run`). */
export interface LevelRunOptions {
  file: string;
  track: Track;
  level: number;
  attach?: AttachRequest;
  /** Told about each slow step as it starts, for spinners and progress lines. */
  onProgress?: (step: string) => void;
}

/** A run's first step: the kernel prepared and its attach mode chosen (said through onProgress). */
export function prepareRun(run: LevelRunOptions): Promise<KernelEnvironment> {
  run.onProgress?.('checking the kernel');
  return prepareKernel({ attach: run.attach ?? 'auto' });
}

export interface BuildInput {
  source: ProgramSource;
  track: Track;
  level: number;
  attachMode: AttachMode;
}

export interface AttachOptions {
  /** Capture every process's events, not only the target's. */
  allProcesses?: boolean;
  perfBuffer?: CaptureOptions['perfBuffer'];
  /** Keep what arrives for the judge (the latest events and exchanges); `run` only prints and does not. */
  judged?: boolean;
  /** Pair the events into exchanges (the default); the app's Expected column shows events only. */
  exchanges?: boolean;
}

/** A request the judge looks at: the size asked for, and the client's port if known. */
export interface JudgedRequest {
  size: number;
  localPort: number | null;
}

/** What the judge keeps: enough for the last few requests, never the whole of a long run. */
const KEPT_EVENTS = 500;
const KEPT_EXCHANGES = 100;

export class BuiltProgram {
  private closed = false;

  private constructor(
    readonly sniffer: Sniffer,
    readonly track: Track,
    readonly level: number,
    /** The hooks of levels ≤ level, as the track names them. */
    readonly hooks: HookSpec[],
  ) {}

  /**
   * Compiles the source for this kernel (in tracepoint mode, rewritten first) and loads the
   * hooks of levels ≤ level, as the tutorial's runner did: a hook of a later level may not
   * pass the verifier yet. Throws the compiler's and the rewrite's errors; a hook the
   * verifier refused throws its LoadError when asked for (sniffer.programFd, attach).
   */
  static async build(input: BuildInput): Promise<BuiltProgram> {
    const hooks = hooksUpTo(input.track, input.level);
    // Syscall hooks are found by their names; a uprobe hook by the name the track gives it.
    const uprobes = hooks.flatMap((h) => (h.kind === 'uprobe' ? [{ name: h.name, library: h.library, symbol: h.symbol, return: h.return }] : []));
    const sniffer = await Sniffer.build(input.source, input.attachMode, { load: hooks.map((h) => h.name), uprobes });
    return new BuiltProgram(sniffer, input.track, input.level, hooks);
  }

  /** Does the level attach its hooks (false: compiled and accepted by the verifier is the whole of it)? */
  get attaches(): boolean {
    return this.expected.attach;
  }

  get expected(): ExpectedEvents {
    return levelOf(this.track, this.level).spec.expectedEvents;
  }

  /**
   * The level's hooks attached, the target's events captured — or, at a level that attaches
   * nothing, each hook checked loaded (a LoadError if the verifier refused it). The program is
   * closed if this fails, and belongs to the LiveProgram once it succeeds.
   */
  attach(target: Target, options: AttachOptions = {}): LiveProgram {
    if (options.judged !== false && options.exchanges === false) throw new Error('a judged capture needs its exchanges');
    try {
      // The target's pid: where uprobes find their library, and what a program's pid filter keeps.
      const hooks = this.sniffer.start(
        this.hooks.map((h) => h.name),
        { attach: this.attaches, targetPid: target.pid, filterPid: options.allProcesses ? -1 : target.pid },
      );
      const capture = this.attaches
        ? new Capture(this.sniffer, { events: this.track.events, onlyPid: options.allProcesses ? null : target.pid, perfBuffer: options.perfBuffer, exchanges: options.exchanges })
        : null;
      return new LiveProgram(this, hooks, capture, options.judged ?? true);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Stops reading, detaches, unloads: nothing of this program stays in the kernel. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sniffer.close();
  }
}

export class LiveProgram {
  private readonly events: CaptureEvent[] = [];
  private readonly exchanges: Exchange[] = [];
  private closing: Promise<CaptureReport> | null = null;

  constructor(
    readonly program: BuiltProgram,
    /** The hooks attached (none at a level that attaches nothing). */
    readonly hooks: AttachedHook[],
    /** Null at a level that attaches nothing. */
    readonly capture: Capture | null,
    judged: boolean,
  ) {
    if (!capture || !judged) return;
    // The latest events keep alive only the last few batches they came in (a batch holds its
    // events whole only when the filter left none out): no copies at 50 000 events a second.
    // An exchange may have waited in the tracker for long: it is kept as a copy (keptExchange).
    capture.on('events', (batch) => {
      for (let i = Math.max(0, batch.length - KEPT_EVENTS); i < batch.length; i++) this.events.push(batch[i]!);
      if (this.events.length > KEPT_EVENTS) this.events.splice(0, this.events.length - KEPT_EVENTS);
    });
    capture.on('exchange', (exchange) => {
      this.exchanges.push(keptExchange(exchange));
      if (this.exchanges.length > KEPT_EXCHANGES) this.exchanges.shift();
    });
  }

  /**
   * The level's live checks over what has arrived, for these requests. The client ports come
   * from the requests, else from `knownPorts` (what another capture saw the clients use).
   */
  judge(requests: JudgedRequest[], knownPorts: number[] = []): CheckResult[] {
    const ports = requests.map((r) => r.localPort).filter((p): p is number => p !== null);
    const sizes = requests.map((r) => r.size);
    const level = levelOf(this.program.track, this.program.level);
    return evaluate(this.program.expected, this.events, this.exchanges, ports.length > 0 ? ports : knownPorts, sizes, level.liveHints, this.capture?.counts.filtered ?? 0);
  }

  /**
   * `check`'s live run: the track's request sent `requests` times (distinct sizes, so every
   * response can be matched to its request), then the verdict once every check passes or
   * `settleMs` after the last reply. The program is closed after; the report says what it caught.
   */
  async judgeLive(target: Target, options: { requests?: number; settleMs?: number } = {}): Promise<{ checks: CheckResult[]; capture: CaptureReport }> {
    const sent: JudgedRequest[] = [];
    for (let i = 0; i < (options.requests ?? 3); i++) {
      const size = 20 + 15 * i;
      const reply = await target.request(size);
      sent.push({ size, localPort: reply.localPort || null });
    }
    const passes = () => this.judge(sent).every((c) => c.status === 'pass');
    const deadline = Date.now() + (options.settleMs ?? 3000);
    while (!passes() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const capture = await this.close();
    return { checks: this.judge(sent), capture };
  }

  /**
   * Detaches and stops reading, lets the batches already read land, and ends the capture's
   * bookkeeping (what is still tracked comes out as exchanges). Every caller awaits the same close.
   */
  close(): Promise<CaptureReport> {
    this.closing ??= (async () => {
      this.program.close(); // the hooks detach before the readers' final drain
      if (!this.capture) return emptyCapture();
      // Batches read before the stop are still on their way to this thread: they land first.
      return captureReport(await this.capture.finishWhenDrained(), this.exchanges);
    })();
    return this.closing;
  }

  /**
   * Closes at once with every listener silenced: a late batch of an old program never lands
   * in a new capture (the app's columns, re-attached on every save).
   */
  discard(): void {
    this.capture?.removeAllListeners();
    this.closing ??= Promise.resolve(emptyCapture());
    this.program.close();
    this.capture?.finish();
  }
}
