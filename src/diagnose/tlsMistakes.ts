// The TLS track's typical mistakes, found in the learner's source: programs that compile and
// pass the verifier, yet capture the wrong bytes, because a uprobe hook reads OpenSSL's
// arguments at the wrong moment or from the wrong place. Each finding names the learner's line.
// Not a C parser: CSource's blanked text, its functions, and a little data flow.
import { escapeRegExp, type CSource, type FunctionDefinition } from '../c/cSource.js';
import type { ErrorCode } from '../errors/codes.js';
import type { HookSpec } from '../tracks/levelSpec.js';

/** OpenSSL's I/O functions the track hooks, with what a diagnosis needs to say about them. */
interface OpensslFunction {
  signature: string;
  /** Parameter names, in order: PT_REGS_PARM<n>(ctx) is parameters[n - 1]. */
  parameters: string[];
  /** SSL_read fills its buffer: only the return hook may read it. */
  fillsBuffer: boolean;
  /** For the _ex forms, the parameter through which the count comes back (1-based). */
  countParameter?: number;
}

const OPENSSL: Record<string, OpensslFunction> = {
  SSL_write: { signature: 'int SSL_write(SSL *ssl, const void *buf, int num)', parameters: ['ssl', 'buf', 'num'], fillsBuffer: false },
  SSL_read: { signature: 'int SSL_read(SSL *ssl, void *buf, int num)', parameters: ['ssl', 'buf', 'num'], fillsBuffer: true },
  SSL_write_ex: {
    signature: 'int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written)',
    parameters: ['s', 'buf', 'num', 'written'],
    fillsBuffer: false,
    countParameter: 4,
  },
  SSL_read_ex: {
    signature: 'int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes)',
    parameters: ['ssl', 'buf', 'num', 'readbytes'],
    fillsBuffer: true,
    countParameter: 4,
  },
};

const BUFFER_PARAMETER = 2;

/** A hook of the level, as the track's data describes it (uprobes only are judged here). */
type UprobeHook = Extract<HookSpec, { kind: 'uprobe' }>;

export interface TlsMistake {
  /** The kind of mistake (docs/errors.md). */
  code: Extract<ErrorCode, `HOOK_${string}`>;
  /** The hook the mistake is in (or reached from). */
  hook: string;
  /** 1-based line in the learner's file. */
  line: number;
  message: string;
  hint: string;
}

const PARM = /\bPT_REGS_PARM(\d)\s*\(/g;
const RETURN_VALUE = /\bPT_REGS_RC\s*\(/;
const SUBMIT = /\.\s*perf_submit\s*\(|\bbpf_perf_event_output\s*\(/;
const PROBE_READ = /\bbpf_probe_read(?:_user|_kernel)?(?:_str)?\s*\(/g;

/** Every TLS mistake in the hooks of the level (those on OpenSSL's I/O functions), at most one per hook, in line order. */
export function findTlsMistakes(source: CSource, hooks: readonly HookSpec[]): TlsMistake[] {
  const found: TlsMistake[] = [];
  for (const hook of hooks) {
    if (hook.kind !== 'uprobe') continue;
    const fn = Object.hasOwn(OPENSSL, hook.symbol) ? OPENSSL[hook.symbol] : undefined;
    const definition = source.function(hook.name);
    if (!fn || !definition) continue;
    const mistake = !hook.return ? entryMistake(source, hook, fn, definition) : returnMistake(source, hook, fn, definition);
    if (mistake) found.push(mistake);
  }
  return found.sort((a, b) => a.line - b.line);
}

function entryMistake(source: CSource, hook: UprobeHook, fn: OpensslFunction, definition: FunctionDefinition): TlsMistake | undefined {
  const reached = source.reach(hook.name);
  if (fn.fillsBuffer) {
    const submits = reached.find((f) => SUBMIT.test(body(source, f)));
    if (submits) {
      return {
        code: 'HOOK_BUFFER_READ_AT_ENTRY',
        hook: hook.name,
        line: callLine(source, definition, submits),
        message: `${hook.name} sends an event when ${hook.symbol} is called, but ${hook.symbol} has not filled buf yet: you would capture what was there before`,
        hint: `in ${hook.name}, only save buf (PT_REGS_PARM2(ctx)) in the map; send the event from ${returnHookName(hook)}, once ${hook.symbol} has filled buf${fn.countParameter ? ` and stored the count at ${fn.parameters[fn.countParameter - 1]}` : ' and PT_REGS_RC(ctx) says how many bytes it put there'}`,
      };
    }
  }

  const used = new Map<number, number>(); // PARM number -> first line
  for (const f of reached) {
    for (const m of body(source, f).matchAll(PARM)) {
      const n = Number(m[1]);
      if (!used.has(n)) used.set(n, source.lineAt(f.bodyStart + m.index!));
    }
  }
  if (used.size === 0) return undefined; // named parameters, or nothing read yet: not ours to judge
  const wrongBuffer = !used.has(BUFFER_PARAMETER);
  const countParameter = fn.countParameter;
  const wrongCount = countParameter !== undefined && !used.has(countParameter) && used.has(countParameter - 1);
  if (!wrongBuffer && !wrongCount) return undefined;

  const n = wrongBuffer ? [...used.keys()].sort((a, b) => (used.get(a)! - used.get(b)!))[0]! : countParameter! - 1;
  const wanted = wrongBuffer ? BUFFER_PARAMETER : countParameter!;
  return {
    code: 'HOOK_WRONG_ARGUMENT',
    hook: hook.name,
    line: used.get(n)!,
    message: `PT_REGS_PARM${n}(ctx) is ${describeParameter(hook.symbol, fn, n)}, not ${wrongBuffer ? 'the data' : 'where the count comes back'}`,
    hint: `${fn.signature}: ${wrongBuffer ? 'the data is' : 'the count comes back through'} the ${ordinal(wanted)} argument, ${fn.parameters[wanted - 1]}, which is PT_REGS_PARM${wanted}(ctx)`,
  };
}

function returnMistake(source: CSource, hook: UprobeHook, fn: OpensslFunction, definition: FunctionDefinition): TlsMistake | undefined {
  const hookBody = body(source, definition);
  const parm = [...hookBody.matchAll(PARM)][0];
  if (parm) {
    const n = Number(parm[1]);
    return {
      code: 'HOOK_ARGUMENT_AT_RETURN',
      hook: hook.name,
      line: source.lineAt(definition.bodyStart + parm.index!),
      message: `when ${hook.symbol} returns, PT_REGS_PARM${n}(ctx) no longer holds ${describeParameter(hook.symbol, fn, n)}: the registers that carried the arguments have been reused`,
      hint: `read PT_REGS_PARM${n}(ctx) in ${entryHookName(hook)} and save it in the map there; here, use the value the map gives back`,
    };
  }
  if (fn.countParameter === undefined) return undefined;
  const line = returnValueUsedAsCount(source, definition, new Set(), 0);
  if (line === undefined) return undefined;
  const count = fn.parameters[fn.countParameter - 1]!;
  return {
    code: 'HOOK_RETURN_VALUE_AS_COUNT',
    hook: hook.name,
    line,
    message: `${hook.name} takes ${hook.symbol}'s return value as the byte count, but it returns 1 on success: every message would be 1 byte long`,
    hint: `save the fourth argument, ${count} (PT_REGS_PARM4(ctx)), in ${entryHookName(hook)}; here, read the count from it with bpf_probe_read_user, and use PT_REGS_RC(ctx) only to test for success (== 1)`,
  };
}

/**
 * Where the return value (PT_REGS_RC, or a name holding it) ends up as the size of a copy, in
 * `fn` or in a function it passes it to: the line in `fn` where it leaves, or undefined.
 * `tainted` are names (parameters, locals) already holding the return value.
 */
function returnValueUsedAsCount(source: CSource, fn: FunctionDefinition, tainted: Set<string>, depth: number): number | undefined {
  if (depth > 3) return undefined;
  const code = source.code.slice(fn.bodyStart + 1, fn.bodyEnd - 1);
  const holds = (expression: string) =>
    RETURN_VALUE.test(expression) || [...tainted].some((name) => new RegExp(`(?<![\\w.>])${escapeRegExp(name)}(?![\\w(])`).test(expression));
  const functions = new Map(source.functions().map((f) => [f.name, f]));
  let offset = 0;
  for (const statement of code.split(/(?<=[;{}])/)) {
    const at = fn.bodyStart + 1 + offset + (statement.length - statement.trimStart().length);
    offset += statement.length;
    const assignment = /([A-Za-z_][\w.]*(?:\s*->\s*\w+)*)\s*=(?!=)([^;]*);\s*$/.exec(statement);
    if (assignment && holds(assignment[2]!)) {
      tainted.add(assignment[1]!.replace(/\s+/g, ''));
    }
    for (const copy of statement.matchAll(PROBE_READ)) {
      const args = argumentsAt(statement, copy.index! + copy[0].length - 1);
      if (args[1] !== undefined && holds(args[1])) return source.lineAt(at);
    }
    for (const call of statement.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const callee = functions.get(call[1]!);
      if (!callee || callee === fn) continue;
      const args = argumentsAt(statement, call.index! + call[0].length - 1);
      const parameters = callee.parameters.map((p) => p.name ?? '');
      // A helper may take the return value as an argument, or read PT_REGS_RC(ctx) itself.
      const passed = new Set(parameters.filter((_, i) => args[i] !== undefined && holds(args[i]!)));
      if (returnValueUsedAsCount(source, callee, passed, depth + 1) !== undefined) return source.lineAt(at);
    }
  }
  return undefined;
}

/** The arguments of the call whose `(` is at `open` in `text`, split at top-level commas. */
function argumentsAt(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      args.push(text.slice(from, i).trim());
      break;
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  return args.filter((a) => a !== '');
}

function body(source: CSource, fn: FunctionDefinition): string {
  return source.code.slice(fn.bodyStart, fn.bodyEnd);
}

/** The line in the hook where `target` is reached: the submit itself, or the call that leads to it. */
function callLine(source: CSource, hook: FunctionDefinition, target: FunctionDefinition): number {
  const hookBody = body(source, hook);
  if (target === hook) {
    const m = SUBMIT.exec(hookBody);
    return m ? source.lineAt(hook.bodyStart + m.index) : hook.line;
  }
  for (const call of hookBody.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (source.reach(call[1]!).includes(target)) return source.lineAt(hook.bodyStart + call.index!);
  }
  return hook.line;
}

/** "SSL_write's first argument, the connection (SSL *)". */
function describeParameter(symbol: string, fn: OpensslFunction, n: number): string {
  const name = fn.parameters[n - 1];
  if (!name) return `nothing of ${symbol}, which has only ${fn.parameters.length} arguments`;
  const what: Record<string, string> = { ssl: 'the connection (SSL *)', s: 'the connection (SSL *)', buf: 'buf, the data', num: 'num, the size of the buffer' };
  return `${symbol}'s ${ordinal(n)} argument, ${what[name] ?? name}`;
}

function ordinal(n: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][n - 1] ?? `${n}th`;
}

function entryHookName(hook: UprobeHook): string {
  return hook.name.replace(/^probe_ret_/, 'probe_entry_');
}

function returnHookName(hook: UprobeHook): string {
  return hook.name.replace(/^probe_entry_/, 'probe_ret_');
}
