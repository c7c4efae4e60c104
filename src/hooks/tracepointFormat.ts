// Reads the layout of a syscall tracepoint's record from tracefs
// (`events/syscalls/sys_enter_<syscall>/format`). The argument fields carry the kernel's names
// (accept4: fd, upeer_sockaddr, upeer_addrlen, flags), not the man page's, which is why the
// adapter binds the learner's parameters to them by position.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HookKind } from './hookNames.js';

export type SyscallPhase = 'enter' | 'exit';

export interface TracepointField {
  name: string;
  /** The C type as tracefs writes it: `unsigned int`, `const char *`, `char[16]`. */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface TracepointFormat {
  /** The event's name, e.g. `sys_enter_read`. */
  name: string;
  id: number | null;
  fields: TracepointField[];
}

export interface SyscallFormat extends TracepointFormat {
  syscall: string;
  phase: SyscallPhase;
  /** The fields after `__syscall_nr`: the syscall's arguments (enter) or `ret` (exit). */
  args: TracepointField[];
}

export const DEFAULT_TRACEFS_ROOT = '/sys/kernel/tracing';

const FIELD_LINE = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

function parseField(declaration: string, offset: number, size: number, signed: boolean): TracepointField {
  // `char comm[16]` declares `comm` of type `char[16]`; otherwise the name is the last word.
  const match = /^(.*?)([A-Za-z_]\w*)\s*((?:\[[^\]]*\])*)\s*$/.exec(declaration.trim());
  if (!match) return { name: declaration.trim(), type: '', offset, size, signed };
  const type = (match[1]!.trim() + match[3]!).trim();
  return { name: match[2]!, type, offset, size, signed };
}

/** Parses the text of a tracefs `format` file. */
export function parseTracepointFormat(text: string): TracepointFormat {
  let name = '';
  let id: number | null = null;
  const fields: TracepointField[] = [];
  for (const line of text.split('\n')) {
    const field = FIELD_LINE.exec(line);
    if (field) {
      fields.push(parseField(field[1]!, Number(field[2]), Number(field[3]), field[4] === '1'));
      continue;
    }
    const header = /^(name|ID):\s*(\S+)/.exec(line);
    if (header?.[1] === 'name') name = header[2]!;
    else if (header?.[1] === 'ID') id = Number(header[2]);
  }
  return { name, id, fields };
}

/** A parsed format as a syscall tracepoint: its argument fields picked out. */
export function syscallFormatFromText(syscall: string, phase: SyscallPhase, text: string): SyscallFormat {
  const format = parseTracepointFormat(text);
  const nr = format.fields.findIndex((f) => f.name === '__syscall_nr');
  const args = nr < 0 ? format.fields.filter((f) => !f.name.startsWith('common_')) : format.fields.slice(nr + 1);
  return { ...format, syscall, phase, args };
}

/** The tracepoint event of a syscall's entry or exit: `sys_enter_read`, `sys_exit_read`. */
export function syscallEventName(syscall: string, phase: SyscallPhase): string {
  return `sys_${phase}_${syscall}`;
}

/** Where a hook runs in tracepoint mode: an entry hook at its syscall's entry, a return hook at its exit. */
export function hookPhase(kind: HookKind): SyscallPhase {
  return kind === 'entry' ? 'enter' : 'exit';
}

const TRACEPOINT_PROGRAM = /^tracepoint__syscalls__sys_(enter|exit)_([A-Za-z0-9_]+)$/;

/** The function BCC's TRACEPOINT_PROBE(syscalls, sys_<phase>_<syscall>) defines: `tracepoint__syscalls__sys_exit_read`. */
export function tracepointProgramName(syscall: string, phase: SyscallPhase): string {
  return `tracepoint__syscalls__${syscallEventName(syscall, phase)}`;
}

/** The syscall and phase a tracepointProgramName stands for; null for any other name. */
export function parseTracepointProgramName(name: string): { syscall: string; phase: SyscallPhase } | null {
  const match = TRACEPOINT_PROGRAM.exec(name);
  return match ? { syscall: match[2]!, phase: match[1] as SyscallPhase } : null;
}

/**
 * The format of `syscalls:sys_<phase>_<syscall>`, or null when the kernel has no such
 * tracepoint. Throws when tracefs itself is not there, since then no syscall has one.
 */
export function readSyscallFormat(
  syscall: string,
  phase: SyscallPhase,
  tracefsRoot: string = DEFAULT_TRACEFS_ROOT,
): SyscallFormat | null {
  const category = path.join(tracefsRoot, 'events', 'syscalls');
  if (!existsSync(category)) {
    throw new Error(
      `the kernel's syscall tracepoints are not visible: ${category} does not exist. ` +
        `Mount tracefs (\`sudo mount -t tracefs tracefs ${tracefsRoot}\`) or run the workshop's setup again.`,
    );
  }
  // Names come from the learner's source; refuse anything that could walk out of the directory.
  if (!/^\w+$/.test(syscall)) return null;
  const file = path.join(category, syscallEventName(syscall, phase), 'format');
  if (!existsSync(file)) return null;
  return syscallFormatFromText(syscall, phase, readFileSync(file, 'utf8'));
}
