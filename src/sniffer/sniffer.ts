// The learner's program, compiled for this kernel's attach mode, loaded and attached, its
// perf outputs decoded. Used the same way by `run`, `check`, the app and the benchmark.
//
// kprobe mode: the tutorial's way — BCC reads a `syscall__` function's parameters from the
// syscall's registers, and the function attaches to the kernel's syscall entry point.
// tracepoint mode (kernels without kprobes): the source is rewritten so each hook runs on
// `syscalls:sys_enter_<x>` / `sys_exit_<x>` (src/hooks/tracepointAdapter.ts).
import { adaptToTracepoints } from '../hooks/tracepointAdapter.js';
import { findHookDefinitions } from '../hooks/hookNames.js';
import { CSource } from '../c/cSource.js';
import { hookPhase, readSyscallFormat, syscallEventName } from '../hooks/tracepointFormat.js';
import { BpfProgram, type Attachment } from '../engine/bpfProgram.js';
import { WorkshopError } from '../errors/workshopError.js';
import { batchHandler } from '../engine/perfOutput.js';
import { onlineCpus } from '../engine/cpus.js';
import type { PerfBufferOptions } from '../native/bccAddon.js';
import { mappedLibrary } from '../engine/processMaps.js';
import { PID_FILTER_MAP, uprobeHooks, type AttachedHook, type Hook, type UprobeHook, type UprobeHookSpec } from './hooks.js';

export type { AttachedHook, Hook, SyscallHook, UprobeHook, UprobeHookSpec } from './hooks.js';
export { PID_FILTER_MAP } from './hooks.js';
import { syscallKernelFunction, type AttachMode } from '../kernel/features.js';
import { compactEvents, createDecoder, type EventDecoder } from '../capture/decoder.js';
import type { CaptureEvent } from '../capture/events.js';
import type { CaptureCounters } from '../capture/capture.js';
import type { EventOutputSpec, EventsSpec } from '../tracks/trackSpec.js';
import { readMeasurements, withLayoutProbes, type Measurements } from '../capture/layoutProbes.js';

export interface SnifferSource {
  text: string;
  /** The learner's file as diagnostics should name it. */
  fileName: string;
}

/**
 * Pages per CPU ring: large enough to ride out a busy machine (the tutorial's program sees
 * every read and write of every process), with all rings together kept near 64 MiB.
 */
export function ringPages(outputs: number, cpus = onlineCpus().length): number {
  const budget = (64 * 1024 * 1024) / 4096 / Math.max(1, outputs * cpus);
  let pages = 16;
  while (pages * 2 <= Math.min(budget, 1024)) pages *= 2;
  return pages;
}

/**
 * The learner's text, numbered as their file, for every build but the tracepoint rewrite.
 * BCC writes into the text it hands to clang's code generator — the reads of a `syscall__`
 * function's parameters at the top of its body, a section attribute before each function it
 * loads — which pushes later lines down (verifier logs would name the wrong lines: a uprobe
 * hook's by five); a `#line` right after each function's `{` puts the numbering back.
 */
export function withLineMarks(text: string, fileName: string, parsed: CSource = new CSource(text)): string {
  const name = JSON.stringify(fileName);
  let out = `#line 1 ${name}\n`;
  let copied = 0;
  for (const fn of parsed.functions()) {
    const afterBrace = fn.bodyStart + 1;
    out += `${text.slice(copied, afterBrace)}\n#line ${fn.bodyLine} ${name}\n`;
    copied = afterBrace;
  }
  return out + text.slice(copied);
}

export class Sniffer {
  private readonly attached: AttachedHook[] = [];

  private constructor(
    readonly program: BpfProgram,
    readonly attachMode: AttachMode,
    /** Every hook the learner's file defines, in source order. */
    readonly hooks: Hook[],
    private readonly source: string,
    readonly measurements: Measurements,
  ) {}

  /**
   * Rewrites (tracepoint mode), compiles, loads the hooks named in `options.load` — every
   * hook the file defines when absent — (the verifier runs here: load() reports its verdict)
   * and measures the learner's types. A level loads only its own hooks, as the tutorial's
   * runner did: a hook of a later level may not pass the verifier yet.
   */
  static async build(
    input: SnifferSource,
    attachMode: AttachMode,
    options: { cflags?: string[]; load?: string[]; uprobes?: UprobeHookSpec[] } = {},
  ): Promise<Sniffer> {
    const fileName = input.fileName;
    let source: string;
    let hooks: Hook[];
    const parsed = new CSource(input.text); // read once: the syscall hooks (and their tracepoint rewrite), the line marks, the uprobe hooks
    const definitions = findHookDefinitions(parsed);
    // Uprobe hooks are plain functions BCC loads as it is; the tracepoint rewrite is for syscall
    // hooks only (its PT_REGS_RC reads a syscall exit record, which a uretprobe has not).
    const asTracepoints = attachMode === 'tracepoint' && definitions.length > 0;
    if (asTracepoints) {
      const adapted = adaptToTracepoints(input.text, (syscall, phase) => readSyscallFormat(syscall, phase), { fileName, definitions });
      source = adapted.source;
      hooks = adapted.hooks.map((h) => ({ via: 'syscall', name: h.learnerName, kind: h.kind, syscall: h.syscall, programName: h.programName, line: h.line }));
    } else {
      source = withLineMarks(input.text, fileName, parsed);
      hooks = definitions.map((h) => ({
        via: 'syscall', name: h.name, kind: h.kind, syscall: h.syscall, programName: h.name, line: h.nameLine,
      }));
    }
    const uprobes = uprobeHooks(parsed, options.uprobes ?? []);
    if (asTracepoints) refuseMixedReturnHooks(uprobes, hooks[0]!, fileName);
    hooks.push(...uprobes);
    const probes = withLayoutProbes(source);
    const wanted = options.load ? new Set(options.load) : null;
    // BCC's uprobe programs are of the kprobe program type.
    const load = hooks.filter((h) => !wanted || wanted.has(h.name)).map((h) => ({ name: h.programName, type: h.via === 'uprobe' ? 'kprobe' as const : attachMode }));
    const program = await BpfProgram.compile(probes.source, { cflags: options.cflags, load });
    return new Sniffer(program, attachMode, hooks, probes.source, readMeasurements(probes, program.tables()));
  }

  hook(name: string): Hook | undefined {
    return this.hooks.find((h) => h.name === name);
  }

  /**
   * The loaded program of one hook (one named in build()'s `load`); throws the verifier's
   * LoadError if the kernel refused it.
   */
  programFd(name: string): number {
    const hook = this.hook(name);
    if (!hook) throw new Error(`the program has no hook named ${name}`);
    return this.program.programFd(hook.programName);
  }

  /** Attaches one loaded hook; a uprobe hook attaches to the library `targetPid` maps. */
  attach(name: string, targetPid?: number): AttachedHook {
    const already = this.attached.find((h) => h.name === name);
    if (already) return already;
    const fd = this.programFd(name);
    const hook = this.hook(name)!;
    let attachment: Attachment;
    try {
      attachment = this.attachOne(hook, fd, targetPid);
    } catch (e) {
      throw new WorkshopError('ATTACH_FAILED', `${hook.name} could not be attached: ${(e as Error).message}`, {
        hint: 'run `sudo npx ebpf-workshop doctor`',
        subject: hook.name,
        cause: e,
      });
    }
    const attached = { ...hook, attachment };
    this.attached.push(attached);
    return attached;
  }

  /**
   * Attaches the named hooks the program has — unless `attach` is false: then only makes sure
   * the kernel accepted each of them (a LoadError if not). The pid filter gets `filterPid`
   * (-1: every process), or else the target's pid.
   */
  start(hookNames: string[], options: { attach?: boolean; targetPid?: number; filterPid?: number } = {}): AttachedHook[] {
    // The filter holds its pid before any hook runs: no event of another process gets by.
    const filterPid = options.filterPid ?? options.targetPid;
    if (options.attach !== false && filterPid !== undefined) this.writeTargetPid(filterPid);
    for (const name of hookNames) {
      if (!this.hook(name)) continue; // the caller reports missing hooks; we attach what exists
      if (options.attach === false) this.programFd(name);
      else this.attach(name, options.targetPid);
    }
    return [...this.attached];
  }

  /**
   * Writes `pid` (-1: every process) into the program's pid filter on every CPU, when it has
   * one; says whether it had.
   */
  writeTargetPid(pid: number): boolean {
    const table = this.program.table(PID_FILTER_MAP);
    if (table?.kind !== 'percpu_array' || table.keySize !== 4 || table.leafSize !== 4) return false;
    const value = Buffer.alloc(4);
    value.writeInt32LE(pid);
    this.program.writePerCpu(PID_FILTER_MAP, Buffer.alloc(4), value);
    return true;
  }

  private attachOne(hook: Hook, fd: number, targetPid: number | undefined): Attachment {
    if (hook.via === 'uprobe') {
      if (targetPid === undefined) throw new Error(`${hook.name} hooks ${hook.symbol} in lib${hook.library}: it needs a target process to find that library in`);
      // Every process mapping that file is probed; the program's pid filter picks the target.
      return this.program.attachUprobe(fd, mappedLibrary(targetPid, hook.library), hook.symbol, hook.kind === 'return');
    }
    if (this.attachMode === 'tracepoint') {
      const event = syscallEventName(hook.syscall, hookPhase(hook.kind));
      return this.program.attachTracepoint(fd, 'syscalls', event);
    }
    const kernelFunction = syscallKernelFunction(hook.syscall);
    if (!kernelFunction) throw new Error(`the kernel has no function for the ${hook.syscall} syscall`);
    return this.program.attachKprobe(fd, kernelFunction, hook.kind === 'return');
  }

  /** The track's event outputs this program defines. */
  eventOutputs(events: EventsSpec): EventOutputSpec[] {
    const tables = new Set(this.program.tables().map((t) => t.name));
    return events.outputs.filter((output) => tables.has(output.name));
  }

  /** A decoder for one output, built from the learner's struct (throws a WorkshopError, EVENT_LAYOUT). */
  decoder(output: EventOutputSpec, events: EventsSpec): EventDecoder {
    return createDecoder(output, events.key, this.program.perfOutputFields(output.name), this.measurements);
  }

  /**
   * Reads and decodes every output of the track's `events` the program has. `keepPid` drops other
   * processes' events before they are decoded (most of the traffic on a busy machine).
   * Events that fail to decode are counted, not thrown: one odd event must not stop the capture.
   */
  capture(
    /**
     * `completeNs`: every event stamped (bpf_ktime_get_ns) before it, in every output, has
     * been delivered — the point up to which events can be put in order; 0 until known.
     */
    onEvents: (events: CaptureEvent[], lost: number, completeNs: number) => void,
    options: { events: EventsSpec; perfBuffer?: Partial<PerfBufferOptions>; keepPid?: (pid: number) => boolean },
  ): CaptureCounters {
    const counters: CaptureCounters = { decodeErrors: 0, filtered: 0, outputs: [] };
    const keep = options.keepPid ?? (() => true);
    const outputs = this.eventOutputs(options.events);
    // Nearly all the bytes come through the data output (424-byte events against 24 and 48):
    // its rings are twice the usual size — more time to ride out a stalled machine — and the
    // others' a quarter, fewer pages in all.
    const usual = ringPages(outputs.length);
    const perfBuffer = (output: EventOutputSpec) => ({
      pageCount: output.event === 'data' ? usual * 2 : Math.max(16, usual / 4),
      ...options.perfBuffer,
    });
    // Each output's rings are drained on their own poller: complete is the least of them.
    const completeNs = new Array<number>(outputs.length).fill(0);
    for (const [index, output] of outputs.entries()) {
      const decoder = this.decoder(output, options.events);
      const perfOutput = this.program.openPerfOutput(
        output.name,
        // Events are read in place in the batch: no Buffer per event before the filter.
        batchHandler(({ bytes, offsets, count, lost, completeNs: drained }) => {
          const kept: number[] = [];
          for (let i = 0; i < count; i++) {
            try {
              if (keep(decoder.pidAt(bytes, offsets[i]!, offsets[i + 1]!))) kept.push(i);
              else counters.filtered++;
            } catch {
              counters.decodeErrors++;
            }
          }
          const events: CaptureEvent[] = [];
          // Payloads are views of the bytes they are decoded from. When the filter left
          // events out, the kept ones are first copied together (one copy per run of them),
          // so that a payload kept for long keeps its own events alive, not a whole batch.
          const whole = kept.length === count || kept.length === 0;
          const { source, starts } = whole ? { source: bytes, starts: offsets } : compactEvents(bytes, offsets, kept);
          for (let k = 0; k < kept.length; k++) {
            // Whole, the batch still holds the events the filter left out: the k-th kept one is kept[k].
            const at = whole ? kept[k]! : k;
            try {
              events.push(decoder.decodeAt(source, starts[at]!, starts[at + 1]!));
            } catch {
              counters.decodeErrors++;
            }
          }
          if (drained > 0) completeNs[index] = drained;
          onEvents(events, lost, Math.min(...completeNs));
        }),
        perfBuffer(output),
      );
      counters.outputs.push(perfOutput);
    }
    return counters;
  }

  /** Stops reading, detaches, unloads. Nothing of this program stays in the kernel. */
  close(): void {
    // The program detaches the hooks before it stops the readers: their final batches then
    // count every event the hooks submitted.
    this.program.close();
  }

  /** The compiled text (with rewrites and probes), for `--verbose` diagnostics. */
  get compiledSource(): string {
    return this.source;
  }
}

/**
 * In tracepoint mode the adapter redefines PT_REGS_RC for the whole file, to read a syscall
 * exit record; a uretprobe in the same file would read its return value from the wrong place,
 * silently. No track mixes the two; a learner who does is told, at the uretprobe's line.
 */
function refuseMixedReturnHooks(uprobes: UprobeHook[], syscallHook: Hook, fileName: string): void {
  const uretprobe = uprobes.find((h) => h.kind === 'return');
  if (!uretprobe) return;
  throw new WorkshopError(
    'HOOK_MIXED_ATTACH',
    `${uretprobe.name} runs when ${uretprobe.symbol} returns, and this file also has syscall hooks (${syscallHook.name}, line ${syscallHook.line}): on this kernel syscall hooks run as tracepoints, whose return value PT_REGS_RC reads from the tracepoint's record for the whole file, so ${uretprobe.name} would read a wrong one.`,
    {
      location: { file: fileName, line: uretprobe.line },
      subject: uretprobe.name,
      hint: 'keep syscall hooks and uprobes in files of their own (each track has its own file), or remove the syscall hooks from this one',
    },
  );
}
