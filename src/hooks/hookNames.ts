// Finds the learner's hook functions, `syscall__probe_entry_<syscall>` and
// `syscall__probe_ret_<syscall>`: the top-level function definitions the C reader finds
// (src/c/), named like hooks.
import { CSource, type Parameter } from '../c/cSource.js';

export type HookKind = 'entry' | 'return';

const HOOK_NAME = /^syscall__probe_(entry|ret)_([A-Za-z0-9_]+)$/;

/** What a hook's name says it hooks, or null when the name is not a hook name. */
export function parseHookName(name: string): { kind: HookKind; syscall: string } | null {
  const match = HOOK_NAME.exec(name);
  if (!match) return null;
  return { kind: match[1] === 'entry' ? 'entry' : 'return', syscall: match[2]! };
}

/** The learner's name for a hook, the inverse of parseHookName. */
export function hookName(kind: HookKind, syscall: string): string {
  return `syscall__probe_${kind === 'entry' ? 'entry' : 'ret'}_${syscall}`;
}

export type HookParameter = Parameter;

export interface HookDefinition {
  name: string;
  kind: HookKind;
  syscall: string;
  /** Where the definition starts: its first specifier (`static`, `int`, an attribute…). */
  start: number;
  startLine: number;
  /** Offset and line of the function's name. */
  nameOffset: number;
  nameLine: number;
  parameters: HookParameter[];
  /** Offset and line of the body's opening `{`; the signature is source[start, bodyOpen). */
  bodyOpen: number;
  bodyLine: number;
  /** One past the body's closing `}` (source.length when the body is unterminated). */
  end: number;
  endLine: number;
}

/** The hook function definitions in `source`, in order. Prototypes and calls are not definitions. */
export function findHookDefinitions(source: string | CSource): HookDefinition[] {
  const file = typeof source === 'string' ? new CSource(source) : source;
  const hooks: HookDefinition[] = [];
  for (const fn of file.functions()) {
    const parsed = parseHookName(fn.name);
    if (!parsed) continue;
    hooks.push({
      name: fn.name,
      kind: parsed.kind,
      syscall: parsed.syscall,
      start: fn.start,
      startLine: fn.startLine,
      nameOffset: fn.nameOffset,
      nameLine: fn.line,
      parameters: fn.parameters,
      bodyOpen: fn.bodyStart,
      bodyLine: fn.bodyLine,
      end: fn.bodyEnd,
      endLine: fn.endLine,
    });
  }
  return hooks;
}
