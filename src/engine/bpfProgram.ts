// A compiled BCC program and everything loaded and attached from it. The one class the rest
// of the project uses to talk to libbcc: it turns the addon's raw results into typed values
// and clear errors, and guarantees that close() — or any exit — leaves nothing in the kernel.
import os from 'node:os';
import path from 'node:path';
import type { BpfObjects, PerfBufferOptions } from '../native/bccAddon.js';
import { addon } from '../native/addon.js';
import { possibleCpuCount } from './cpus.js';
import { buildInChild, type BuiltModule } from './buildInChild.js';
import { type Diagnostic, isError, parseClangDiagnostics, unlocatedMessages } from './diagnostics.js';
import { WorkshopError } from '../errors/workshopError.js';
import { mapKind, ProgramType, type MapKind, type ProgramTypeName } from './mapTypes.js';
import { PerfOutput, type RawEventsHandler } from './perfOutput.js';
import { onRelease } from './shutdown.js';

/** A table of the program as libbcc describes it; `fd` is ours. */
export interface TableInfo extends Omit<BuiltModule['tables'][number], 'type'> {
  kind: MapKind;
  type: number;
}

export interface PerfField {
  name: string;
  /** C type as BCC spells it: `uint64_t`, `struct conn_id_t`, `char[400]`. */
  type: string;
}

export interface Attachment {
  fd: number;
  /** What it is attached to, for messages: `kprobe:__x64_sys_read`, `tracepoint:syscalls:sys_enter_read`. */
  target: string;
}

/**
 * The compiler refused the program (COMPILE_FAILED) or died on it (COMPILER_CRASHED: LLVM
 * aborts on some backend errors). Every diagnostic rides along, the errors first in `location`.
 */
function compileError(diagnostics: Diagnostic[], stderr: string, crashed: boolean): WorkshopError {
  const first = diagnostics.find(isError);
  const detail = first ? first.message : unlocatedMessages(stderr)[0] ?? 'the program did not compile';
  return new WorkshopError(crashed ? 'COMPILER_CRASHED' : 'COMPILE_FAILED', `does not compile: ${detail}`, {
    hint: first ? 'fix the line shown, save, and run again; --verbose shows the compiler\'s full output' : null,
    location: first ? { file: first.file, line: first.line, column: first.column } : null,
    raw: stderr,
    diagnostics,
    detail,
  });
}

export interface CompileOptions {
  cflags?: string[];
  /**
   * Functions to load into the kernel as part of the build (the verifier runs then): their
   * fds come back from programFd(), or the kernel's refusal as a VERIFIER_REJECTED WorkshopError.
   */
  load?: { name: string; type: ProgramTypeName }[];
  /** How long the compiler may take before it is stopped (default BUILD_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The kernel headers (BCC_KERNEL_SOURCE) to compile against; default: the ones prepareKernel chose. */
  kernelSource?: string | null;
}

export class BpfProgram {
  private objects: BpfObjects | undefined;
  private readonly outputs = new Set<PerfOutput>();
  private readonly attachments = new Set<Attachment>();
  private readonly unregister: () => void;

  private constructor(
    private readonly module: BuiltModule,
    fds: number[],
    /** Compiler warnings of a successful compile. */
    readonly warnings: Diagnostic[],
  ) {
    this.objects = new (addon().BpfObjects)(fds);
    this.unregister = onRelease(() => this.close());
  }

  /**
   * Compiles BCC C and loads the functions asked for, in a child process (build/bin/bcc-build)
   * that hands back the maps and programs: a compiler crash on a learner's file ends only the
   * child, and clang and LLVM never take up memory here. Creating maps needs BPF privileges.
   */
  static async compile(source: string, options: CompileOptions = {}): Promise<BpfProgram> {
    const loads = (options.load ?? []).map((l) => ({ name: l.name, progType: ProgramType[l.type] }));
    const built = await buildInChild(source, options.cflags ?? [], loads, { timeoutMs: options.timeoutMs, kernelSource: options.kernelSource });
    const diagnostics = parseClangDiagnostics(built.stderr);
    if (built.outcome !== 'ok') throw compileError(diagnostics, built.stderr, built.outcome === 'crashed');
    return new BpfProgram(built.module, built.fds, diagnostics);
  }

  private requireOpen(): BpfObjects {
    if (!this.objects) throw new Error('this BPF program is closed');
    return this.objects;
  }

  functionNames(): string[] {
    return [...this.module.functions];
  }

  tables(): TableInfo[] {
    return this.module.tables.map((t) => ({ ...t, kind: mapKind(t.type) }));
  }

  table(name: string): TableInfo | undefined {
    return this.tables().find((t) => t.name === name);
  }

  /** Fields of the struct a BPF_PERF_OUTPUT submits, in declaration order (no offsets). */
  perfOutputFields(name: string): PerfField[] {
    return (this.module.perfEventFields[name] ?? []).map((entry) => {
      const hash = entry.lastIndexOf('#');
      return { name: entry.slice(0, hash), type: entry.slice(hash + 1) };
    });
  }

  /** The fd of a function loaded by compile(); throws a WorkshopError (VERIFIER_REJECTED) when the kernel refused it. */
  programFd(functionName: string): number {
    this.requireOpen();
    const result = this.module.loads.find((l) => l.name === functionName);
    if (!result) throw new Error(`${functionName} was not loaded: name it in compile()'s \`load\``);
    if (result.fd < 0) {
      const reason = result.errno === 2 ? 'no such function in the program' : result.error || 'unknown error';
      // The verifier's log is the raw output; the diagnosis of it is the caller's (diagnose/).
      throw new WorkshopError('VERIFIER_REJECTED', `the verifier rejected ${functionName}: ${reason}`, {
        hint: 'run with --verbose to read the verifier\'s log',
        raw: result.log,
        subject: functionName,
        detail: reason,
        errno: result.errno,
      });
    }
    return result.fd;
  }

  attachKprobe(programFd: number, kernelFunction: string, isReturn: boolean): Attachment {
    // The event name is ours alone, like BCC's Python front end: p_/r_ plus the symbol.
    const event = `${isReturn ? 'r' : 'p'}_ws_${process.pid}_${kernelFunction.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const target = `${isReturn ? 'kretprobe' : 'kprobe'}:${kernelFunction}`;
    const result = this.requireOpen().attachKprobe(programFd, isReturn, event, kernelFunction);
    if (result.fd < 0) throw attachError(target, result.errno, attachReason(result), result.stderr);
    return this.attached({ fd: result.fd, target });
  }

  attachTracepoint(programFd: number, category: string, event: string): Attachment {
    const target = `tracepoint:${category}:${event}`;
    const result = this.requireOpen().attachTracepoint(programFd, category, event);
    if (result.fd < 0) throw attachError(target, result.errno, attachReason(result), result.stderr);
    return this.attached({ fd: result.fd, target });
  }

  private attached(attachment: Attachment): Attachment {
    this.attachments.add(attachment);
    return attachment;
  }

  /**
   * Attaches a uprobe (uretprobe when isReturn) on `symbol` of the ELF file `binary` — a path
   * as the target process maps it. pid -1 probes every process mapping that file.
   */
  attachUprobe(programFd: number, binary: string, symbol: string, isReturn: boolean, pid = -1): Attachment {
    const event = `${isReturn ? 'r' : 'p'}_ws_${process.pid}_${path.basename(binary).replace(/[^A-Za-z0-9_]/g, '_')}_${symbol}`;
    const target = `${isReturn ? 'uretprobe' : 'uprobe'}:${binary}:${symbol}`;
    const result = this.requireOpen().attachUprobe(programFd, isReturn, event, binary, symbol, pid);
    if (result.fd < 0) {
      const reason = result.errno === 2 && !result.stderr.trim() ? `${path.basename(binary)} has no symbol ${symbol}` : attachReason(result);
      throw attachError(target, result.errno, reason, result.stderr);
    }
    return this.attached({ fd: result.fd, target });
  }

  /**
   * Writes `value` for `key` into every CPU's copy of a per-CPU array or hash (the kernel
   * takes one value per possible CPU, each padded to 8 bytes).
   */
  writePerCpu(tableName: string, key: Buffer, value: Buffer): void {
    const table = this.requirePerCpuTable(tableName, key, value);
    const stride = roundUp8(table.leafSize);
    const values = Buffer.alloc(stride * possibleCpuCount());
    for (let offset = 0; offset < values.length; offset += stride) value.copy(values, offset);
    const errno = this.requireOpen().updateElement(table.fd, key, values);
    if (errno !== 0) throw new Error(`cannot write ${tableName}[${key.toString('hex')}]: ${errnoName(errno)}`);
  }

  /** Every possible CPU's value of `key` in a per-CPU table, in CPU order; [] when absent. */
  readPerCpu(tableName: string, key: Buffer): Buffer[] {
    const table = this.requirePerCpuTable(tableName, key);
    const stride = roundUp8(table.leafSize);
    const cpus = possibleCpuCount();
    const all = this.requireOpen().lookupElement(table.fd, key, stride * cpus);
    if (!all) return [];
    return Array.from({ length: cpus }, (_, cpu) => all.subarray(cpu * stride, cpu * stride + table.leafSize));
  }

  /** The open program's table `name`, which must be of one of `kinds` (`what` names them in the error). */
  private requireTable(name: string, kinds: MapKind[], what: string): TableInfo {
    this.requireOpen();
    const table = this.table(name);
    if (!table) throw new Error(`the program has no table named ${name}`);
    if (!kinds.includes(table.kind)) throw new Error(`${name} is a ${table.kind} table, not ${what}`);
    return table;
  }

  private requirePerCpuTable(tableName: string, key: Buffer, value?: Buffer): TableInfo {
    const table = this.requireTable(tableName, ['percpu_array', 'percpu_hash', 'lru_percpu_hash'], 'a per-CPU one');
    if (key.length !== table.keySize) throw new Error(`${tableName}'s key is ${table.keySize} bytes, not ${key.length}`);
    if (value && value.length !== table.leafSize) throw new Error(`${tableName}'s value is ${table.leafSize} bytes, not ${value.length}`);
    return table;
  }

  detach(attachment: Attachment): void {
    this.attachments.delete(attachment);
    this.objects?.detach(attachment.fd);
  }

  /** Starts reading a BPF_PERF_OUTPUT; `onEvents` gets batches of raw events. */
  openPerfOutput(name: string, onEvents: RawEventsHandler, options: Partial<PerfBufferOptions> = {}): PerfOutput {
    const table = this.requireTable(name, ['perf_event_array'], 'a BPF_PERF_OUTPUT');
    const output = new PerfOutput(name, table.fd, onEvents, options);
    this.outputs.add(output);
    return output;
  }

  /**
   * Detaches every probe, then stops every reader (whose final batches count every event the
   * probes submitted: received or lost), then closes every program and map.
   */
  close(): void {
    for (const attachment of this.attachments) this.detach(attachment);
    for (const output of this.outputs) output.stop();
    this.outputs.clear();
    this.objects?.close();
    this.objects = undefined;
    this.unregister();
  }
}

function roundUp8(size: number): number {
  return Math.ceil(size / 8) * 8;
}

function errnoName(errno: number): string {
  const name = Object.entries(os.constants.errno).find(([, value]) => value === errno)?.[0];
  return name ? `${name} (errno ${errno})` : `errno ${errno}`;
}

function attachError(target: string, errno: number, reason: string, stderr: string): WorkshopError {
  return new WorkshopError('ATTACH_FAILED', `cannot attach to ${target}: ${reason}`, {
    hint: 'run `sudo npx ebpf-workshop doctor`',
    raw: stderr || null,
    subject: target,
    detail: reason,
    errno,
  });
}

function attachReason(result: { error: string; stderr: string }): string {
  const said = result.stderr.trim().split('\n').filter(Boolean).pop();
  return said ? `${result.error || 'failed'} (${said})` : result.error || 'failed';
}
