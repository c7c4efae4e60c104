// Rewrites the learner's kprobe-style hooks into syscall tracepoint programs, for kernels
// without kprobes. Each `int syscall__probe_entry_read(struct pt_regs *ctx, int fd, …) {`
// becomes the expansion of `TRACEPOINT_PROBE(syscalls, sys_enter_read) {` whose body first
// declares the learner's parameters as locals read from the tracepoint record, by position,
// then continues with the learner's own body, untouched. The learner's function is not kept
// and called from a wrapper: BCC then stops treating `buf` as user memory and the verifier
// rejects `buf[0]`.
//
// Line mapping: `#line` directives make clang report every diagnostic at the learner's own
// file and line. BCC inserts the generated tracepoint struct (several lines) just before each
// tracepoint function, so the directives sit after that point: between the return type and
// the function's name, on each parameter's line, and on the line of the body's `{`; the
// struct's own lines are numbered under a name of their own.
//
// Every hook is rewritten and reported; which of them to load and attach (a level-N run
// attaches only the hooks of levels ≤ N) is the caller's choice. Keeping them all compiled is
// what kprobe mode does too, so a learner's program compiles the same way in both modes.
import { findHookDefinitions, type HookDefinition, type HookKind } from './hookNames.js';
import { hookPhase, syscallEventName, tracepointProgramName, type SyscallFormat, type SyscallPhase } from './tracepointFormat.js';
import type { ErrorCode } from '../errors/codes.js';
import { WorkshopError } from '../errors/workshopError.js';

export interface AdaptedHook {
  /** The learner's function name, e.g. `syscall__probe_entry_read`. */
  learnerName: string;
  /** The function to load from the compiled module, e.g. `tracepoint__syscalls__sys_enter_read`. */
  programName: string;
  kind: HookKind;
  syscall: string;
  category: 'syscalls';
  /** The tracepoint to attach to, e.g. `sys_enter_read`. */
  event: string;
  /** The 1-based line of the learner's function name. */
  line: number;
}

export interface AdaptedSource {
  source: string;
  hooks: AdaptedHook[];
}

/** Looks up a syscall tracepoint's format; null when the kernel has no such tracepoint. */
export type SyscallFormatLookup = (syscall: string, phase: SyscallPhase) => SyscallFormat | null;

export interface AdaptOptions {
  /** The name diagnostics should carry, normally the learner's file (`clean.c`). */
  fileName?: string;
  /** `source`'s hook definitions, when the caller has found them already (saves a second parse). */
  definitions?: HookDefinition[];
}

/** A hook that cannot become a tracepoint program: the sentence says which and why; the location is its name's line. */
function adaptError(code: ErrorCode, hook: HookDefinition, fileName: string, message: string): WorkshopError {
  return new WorkshopError(code, message, { location: { file: fileName, line: hook.nameLine }, subject: hook.name });
}

/** Where the exit record keeps the syscall's return value when no exit format says otherwise. */
const DEFAULT_RET_OFFSET = 16;

// The tracepoint record's parameter; TRACEPOINT_PROBE calls it `args`, a name a learner may well
// give a parameter of their own, whose initialiser would then read itself.
const RECORD = '__tracepoint_record';

/** What diagnostics in code BCC generates for a tracepoint (the record's struct) are attributed to. */
const GENERATED_FILE = '<tracepoint record>';

function lineDirective(line: number, fileName: string): string {
  return `#line ${line} ${JSON.stringify(fileName)}\n`;
}

/** The byte offset of `ret` in every exit record the hooks use; they must agree. */
function retOffset(hooks: HookDefinition[], formats: Map<HookDefinition, SyscallFormat>, fileName: string): number {
  let offset: number | null = null;
  for (const hook of hooks) {
    if (hook.kind !== 'return') continue;
    const ret = formats.get(hook)!.args.find((f) => f.name === 'ret');
    if (!ret) {
      throw adaptError(
        'HOOK_NO_RETURN_VALUE',
        hook,
        fileName,
        `the kernel's sys_exit_${hook.syscall} tracepoint has no \`ret\` field, so ${hook.name} cannot read the return value there.`,
      );
    }
    if (offset !== null && ret.offset !== offset) {
      throw adaptError(
        'HOOK_NO_RETURN_VALUE',
        hook,
        fileName,
        `the kernel's sys_exit_${hook.syscall} keeps \`ret\` at offset ${ret.offset}, other exit tracepoints at ${offset}; PT_REGS_RC cannot serve both.`,
      );
    }
    offset = ret.offset;
  }
  return offset ?? DEFAULT_RET_OFFSET;
}

function checkParameters(hook: HookDefinition, format: SyscallFormat, fileName: string): void {
  const given = Math.max(hook.parameters.length - 1, 0);
  if (given <= format.args.length) return;
  const fields = format.args.map((f) => f.name).join(', ') || 'nothing';
  throw adaptError(
    'HOOK_TOO_MANY_PARAMETERS',
    hook,
    fileName,
    `${hook.name} has ${given} parameters after ctx, but the kernel's ` +
      `${format.name || syscallEventName(hook.syscall, format.phase)} tracepoint provides only ` +
      `${format.args.length} (${fields}). Remove the extra parameters.`,
  );
}

/** The replacement for the hook's signature, up to and including the body's `{`. */
function tracepointSignature(hook: HookDefinition, format: SyscallFormat, column: number, fileName: string): string {
  const programName = tracepointProgramName(hook.syscall, hookPhase(hook.kind));
  let text = `int\n${lineDirective(hook.nameLine, fileName)}${programName}(struct ${programName} *${RECORD}) {\n`;
  // Each parameter becomes a local on the parameter's own line: the learner's first one (ctx)
  // is the record itself, the others are the record's argument fields in order. The leading
  // attribute makes clang parse a declaration even when the type is unknown ("unknown type
  // name", as in kprobe mode) and keeps unused parameters quiet; `__typeof__` casts to the
  // learner's type without writing it twice, so a wrong type is reported once.
  let currentLine = -1;
  hook.parameters.forEach((parameter, index) => {
    if (parameter.name === null) return;
    const value = index === 0 ? RECORD : `${RECORD}->${format.args[index - 1]!.name}`;
    if (parameter.line !== currentLine) {
      if (currentLine !== -1) text += '\n';
      text += lineDirective(parameter.line, fileName);
      currentLine = parameter.line;
    } else {
      text += ' ';
    }
    text += `__attribute__((unused)) ${parameter.type} ${parameter.name} = (__typeof__(${parameter.name}))${value};`;
  });
  if (currentLine !== -1) text += '\n';
  // The learner's body goes on at the column it had, so columns in diagnostics stay right too.
  return text + lineDirective(hook.bodyLine, fileName) + ' '.repeat(column + 1);
}

/**
 * Rewrites every `syscall__probe_(entry|ret)_<syscall>` definition in `source` into a
 * syscall tracepoint program. Throws a WorkshopError (HOOK_ codes: a sentence naming the hook and
 * what to change, at the hook's line) when a hook has no tracepoint or more parameters than its tracepoint has.
 */
export function adaptToTracepoints(
  source: string,
  formats: SyscallFormatLookup,
  opts: AdaptOptions = {},
): AdaptedSource {
  const fileName = opts.fileName ?? 'main.c';
  const definitions = opts.definitions ?? findHookDefinitions(source);
  const formatOf = new Map<HookDefinition, SyscallFormat>();
  for (const hook of definitions) {
    const phase = hookPhase(hook.kind);
    const format = formats(hook.syscall, phase);
    if (!format) {
      throw adaptError(
        'HOOK_NOT_A_SYSCALL',
        hook,
        fileName,
        `${hook.name} hooks \`${hook.syscall}\`, but this kernel has no syscalls:${syscallEventName(hook.syscall, phase)} tracepoint. Check the syscall's name.`,
      );
    }
    checkParameters(hook, format, fileName);
    formatOf.set(hook, format);
  }

  const lineStart = (offset: number) => source.lastIndexOf('\n', offset - 1) + 1;
  const prelude =
    '/* ebpf-workshop: the hooks below run as syscall tracepoints; PT_REGS_RC reads the exit record. */\n' +
    '#undef PT_REGS_RC\n' +
    `#define PT_REGS_RC(x) (*(long *)((char *)(x) + ${retOffset(definitions, formatOf, fileName)}))\n` +
    lineDirective(1, fileName);
  let out = prelude;
  let copied = 0;
  const hooks: AdaptedHook[] = [];
  for (const hook of definitions) {
    const format = formatOf.get(hook)!;
    const phase = hookPhase(hook.kind);
    out += source.slice(copied, hook.start);
    // BCC inserts the record's struct, several lines, right where the function starts; number
    // those lines apart so they never claim one of the learner's.
    if (!/^[ \t]*$/.test(source.slice(lineStart(hook.start), hook.start))) out += '\n';
    out += lineDirective(1, GENERATED_FILE);
    out += tracepointSignature(hook, format, hook.bodyOpen - lineStart(hook.bodyOpen), fileName);
    copied = hook.bodyOpen + 1;
    hooks.push({
      learnerName: hook.name,
      programName: tracepointProgramName(hook.syscall, phase),
      kind: hook.kind,
      syscall: hook.syscall,
      category: 'syscalls',
      event: syscallEventName(hook.syscall, phase),
      line: hook.nameLine,
    });
  }
  out += source.slice(copied);
  return { source: out, hooks };
}
