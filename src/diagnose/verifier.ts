// Turns the kernel verifier's log into one diagnosis the learner can act on: which rule their
// program broke, where in their file, why, and what to write instead.
//
// The log is a trace of the verifier's walk through the compiled program: instructions
// (`27: (79) r3 = *(u64 *)(r7 +0)`) followed by what it knows of the registers they touched
// (`; R7=map_value_or_null(id=2,map=active_accept_a,…)`), markers from BTF line info
// (`;  @ clean.c:112`) before the instructions of each source line, and, after the
// instruction it refused, the reason (`R7 invalid mem access 'map_value_or_null'`).
//
// Two things make the markers imprecise, and both are handled here rather than trusted:
// - BCC rewrites the program before compiling it and some rewrites add lines, so a marker
//   can name a line a little below the one meant (seen: up to 2 lines inside the helpers of
//   solution.c). With the learner's source at hand, the location snaps to the nearest line
//   above (then below) that holds what the rule is about: the helper call, the `->`, the loop.
// - When the kernel answers EINVAL, libbcc loads the program again without BTF line info, so
//   the log has no markers at all. The location is then found in the source: the one call of
//   the failing helper in the functions the hook reaches, when there is exactly one.
import type { Diagnostic } from '../engine/diagnostics.js';
import { BPF_HELPER_NAMES, helperArgumentName, helperCallPattern, helperLabel, writtenArgumentIndex } from './bpfHelpers.js';
import { didYouMean } from './didYouMean.js';
import { callArguments, CSource, escapeRegExp } from '../c/cSource.js';
import { learnerFunctionName } from './programNames.js';
import { explainStackLimit } from './stackLimit.js';

export type VerifierRule =
  | 'null-check'
  | 'unbounded-size'
  | 'stack-limit'
  | 'invalid-access'
  | 'uninitialized-stack'
  | 'no-return'
  | 'unreachable'
  | 'too-complex'
  | 'unknown-function'
  | 'unknown';

export interface SourceLocation {
  file: string;
  line: number;
}

export interface VerifierSummary {
  rule: VerifierRule;
  /** What went wrong, in a sentence or two addressed to the learner. */
  cause: string;
  /** What to write instead. */
  fix: string;
  /** The line in the learner's file to look at, when the log (or the source) tells. */
  location?: SourceLocation;
  /** The last meaningful lines of the log: the refused instruction, the line before it, the reason. */
  rawTail: string;
}

export interface VerifierLogOptions {
  /** The function that failed to load, as loaded (`tracepoint__syscalls__sys_exit_read`) or as written. */
  functionName?: string;
  /** The learner's file name as the markers carry it (`clean.c`). */
  learnerFile?: string;
  /** The program's map names: logs cut them to 15 characters (`map=active_accept_a`). */
  mapNames?: string[];
  /** The learner's source, to name variables and place lines precisely. */
  source?: string;
  /** Compiler warnings of the same build (BpfProgram.warnings): some load failures start there. */
  warnings?: Diagnostic[];
}

interface Marker {
  file: string;
  line: number;
}

interface Instruction {
  index: number;
  text: string;
  /** What the verifier printed about registers after `; `, or ''. */
  state: string;
  /** The last line-info marker above it (any file, line 0 excluded). */
  marker?: Marker;
  row: number;
}

interface ParsedLog {
  instructions: Instruction[];
  /** State-only lines (`0: R1=ctx() R10=fp0`, `from 11 to 13: …`) with their rows. */
  states: { row: number; state: string }[];
  /** The reason(s) the verifier gave, in order. */
  messages: string[];
  lines: string[];
  /** Row of the refused instruction, if the log shows one. */
  failingRow?: number;
}

const INSTRUCTION = /^(\d+): \(([0-9a-f]{2})\) (.*)$/;
const STATE_LINE = /^(?:\d+|from \d+ to \d+): ((?:R\d+|frame\d*:?|fp-?\d+)[\s\S]*)$/;
const MARKER = /^;.*@ (.+):(\d+)\s*$/;
const STATISTICS = /^(processed \d+ insns|verification time|stack depth|mark_read|max_states_per_insn)/;

export function parseVerifierLog(log: string): ParsedLog {
  const lines = log.split('\n').map((l) => l.replace(/\s+$/, ''));
  const instructions: Instruction[] = [];
  const states: { row: number; state: string }[] = [];
  let marker: Marker | undefined;
  lines.forEach((line, row) => {
    const m = MARKER.exec(line);
    if (m) {
      if (Number(m[2]) > 0) marker = { file: m[1]!, line: Number(m[2]) };
      return;
    }
    const insn = INSTRUCTION.exec(line);
    if (insn) {
      const [text, state = ''] = insn[3]!.split(/\s+; (.*)/);
      instructions.push({ index: Number(insn[1]), text: text!.trim(), state: state.trim(), marker, row });
      return;
    }
    const stateLine = STATE_LINE.exec(line);
    if (stateLine) states.push({ row, state: stateLine[1]! });
  });
  const last = instructions.at(-1);
  const after = last ? last.row + 1 : 0;
  const messages = lines
    .slice(after)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !STATISTICS.test(l) && !MARKER.test(l) && !STATE_LINE.test(l));
  return { instructions, states, messages, lines, failingRow: messages.length && last ? last.row : undefined };
}

/** Context every rule's wording draws on. */
class Reading {
  readonly source?: CSource;
  readonly learnerFile?: string;
  readonly hook?: string;
  readonly failing?: Instruction;
  readonly helper?: string;
  readonly mapNames: string[];

  constructor(
    readonly parsed: ParsedLog,
    readonly options: VerifierLogOptions,
  ) {
    this.source = options.source !== undefined ? new CSource(options.source) : undefined;
    this.hook = options.functionName ? learnerFunctionName(options.functionName) : undefined;
    this.learnerFile = options.learnerFile ?? likeliestLearnerFile(parsed);
    this.failing = parsed.failingRow !== undefined ? parsed.instructions.find((i) => i.row === parsed.failingRow) : undefined;
    this.helper = this.failing ? /\bcall ([A-Za-z_]\w*)#\d+/.exec(this.failing.text)?.[1] : undefined;
    this.mapNames = options.mapNames ?? this.source?.maps().map((m) => m.name) ?? [];
  }

  /** "syscall__probe_ret_read" or "your program", for sentences. */
  get who(): string {
    return this.hook ?? 'your program';
  }

  /** The learner's line the instruction belongs to, per the markers. */
  markerLine(insn: Instruction | undefined = this.failing): number | undefined {
    if (!insn?.marker) return undefined;
    if (this.learnerFile && insn.marker.file !== this.learnerFile) return undefined;
    return insn.marker.line;
  }

  /**
   * The line the rule is about: the marker's line moved to the nearest line (above first,
   * drift goes downwards) within 3 lines in the same function that matches `pattern`; without
   * a marker, the single matching line in the functions the hook reaches.
   */
  locate(pattern: RegExp | undefined, insn: Instruction | undefined = this.failing): number | undefined {
    const marked = this.markerLine(insn);
    const source = this.source;
    if (!source || !pattern) return marked;
    if (marked !== undefined) {
      const fn = source.functionAt(marked);
      for (const delta of [0, -1, -2, -3, 1, 2, 3]) {
        const line = marked + delta;
        if (fn && (line < fn.line || line > fn.endLine)) continue;
        const code = source.codeLine(line);
        if (code !== undefined && pattern.test(code)) return line;
      }
      return marked;
    }
    if (!this.hook) return undefined;
    const candidates: number[] = [];
    for (const fn of source.reach(this.hook)) {
      for (let line = fn.bodyLine; line <= fn.endLine; line++) {
        if (pattern.test(source.codeLine(line) ?? '')) candidates.push(line);
      }
    }
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  location(line: number | undefined): SourceLocation | undefined {
    if (line === undefined) return undefined;
    return { file: this.learnerFile ?? this.options.learnerFile ?? 'your file', line };
  }

  /** What the verifier last knew about register `n` before the row (`map_value_or_null(id=2,…)`). */
  register(n: number, beforeRow = this.parsed.failingRow ?? Infinity): string | undefined {
    const pattern = new RegExp(`(?:^|\\s)R${n}(?:_w)?=((?:[^\\s(]|\\((?:[^()]|\\([^()]*\\))*\\))+)`);
    const rows = [
      ...this.parsed.instructions.map((i) => ({ row: i.row, state: i.state })),
      ...this.parsed.states,
    ]
      .filter((s) => s.row < beforeRow)
      .sort((a, b) => b.row - a.row);
    for (const { state } of rows) {
      const m = pattern.exec(state);
      if (m) return m[1];
    }
    return undefined;
  }

  /** A map's full name from the 15-character one in the log. */
  mapName(cut: string | undefined): string | undefined {
    if (!cut) return undefined;
    const exact = this.mapNames.find((n) => n === cut);
    if (exact) return exact;
    const longer = this.mapNames.filter((n) => n.startsWith(cut));
    if (longer.length === 1) return longer[0];
    // The kernel keeps 15 characters of a name: say that this one may go on.
    return cut.length >= 15 ? `${cut}…` : cut;
  }

  mapOf(state: string | undefined): string | undefined {
    return this.mapName(state ? /\bmap=([\w.]+)/.exec(state)?.[1] : undefined);
  }

  /** The learner's call of the failing helper on `line`, split into arguments as written. */
  helperArguments(line: number | undefined): string[] | undefined {
    if (!this.source || line === undefined || !this.helper) return undefined;
    return callArguments(this.source, line, helperCallPattern(this.helper));
  }

  /** Prefix for cause sentences. */
  rejected(): string {
    return `The verifier rejected ${this.who}`;
  }
}

function likeliestLearnerFile(parsed: ParsedLog): string | undefined {
  const counts = new Map<string, number>();
  for (const insn of parsed.instructions) {
    const file = insn.marker?.file;
    if (!file || file.startsWith('<') || file.startsWith('/virtual/')) continue;
    counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** "on line 12" or "" — for sentences that read well either way. */
function onLine(line: number | undefined): string {
  return line === undefined ? '' : ` on line ${line}`;
}

function code(text: string): string {
  return `\`${text}\``;
}

export function summarizeVerifierLog(log: string, options: VerifierLogOptions = {}): VerifierSummary {
  const parsed = parseVerifierLog(log);
  const reading = new Reading(parsed, options);
  const rawTail = tailOf(parsed);
  for (const message of parsed.messages.length ? parsed.messages : parsed.lines.filter((l) => l.trim())) {
    for (const rule of RULES) {
      const m = rule.pattern.exec(message);
      if (m) return { ...rule.explain(reading, m), rawTail };
    }
  }
  const reason = parsed.messages[0];
  return {
    rule: 'unknown',
    cause: `${reading.rejected()}${reason ? `: “${reason}”` : ' without saying why'}.`,
    fix: 'The raw verifier log ends with the instruction it refused; the `; @ file:line` above it says which line of yours that is.',
    location: reading.location(reading.markerLine()),
    rawTail,
  };
}

type Explained = Omit<VerifierSummary, 'rawTail'>;

interface Rule {
  pattern: RegExp;
  explain: (reading: Reading, match: RegExpExecArray) => Explained;
}

const RULES: Rule[] = [
  { pattern: /^R(\d+) invalid mem access '(\w*or_null\w*)'/, explain: explainNullCheck },
  { pattern: /^R(\d+) (unbounded memory access|min value is negative|invalid zero-sized read)/, explain: explainUnboundedSize },
  { pattern: /combined stack size of (\d+) calls is (\d+)/, explain: explainCombinedStack },
  { pattern: /BPF stack limit of \d+ bytes is exceeded/, explain: explainBackendStack },
  { pattern: /^invalid (?:indirect )?read from stack (?:R(\d+) )?(?:var_)?off (-?\d+)\+(\d+) size (\d+)/, explain: explainUninitializedStack },
  { pattern: /^R0 !read_ok/, explain: explainNoReturn },
  { pattern: /^unreachable insn (\d+)/, explain: explainUnreachable },
  {
    pattern: /BPF program is too large|The sequence of \d+ jumps is too complex|infinite loop detected|back-edge from insn|too many states/,
    explain: explainTooComplex,
  },
  { pattern: /^last insn is not an exit or jmp/, explain: explainUndefinedFunction },
  { pattern: /^(?:unknown func|program of this type cannot use helper) (\w+)#\d+/, explain: explainUnavailableHelper },
  { pattern: /^invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)/, explain: explainMapValueAccess },
  { pattern: /^invalid (read from|write to|indirect access to) stack R(\d+) off=(-?\d+) size=(\d+)/, explain: explainStackBounds },
  { pattern: /^invalid bpf_context access off=(\d+) size=(\d+)/, explain: explainContextAccess },
  { pattern: /^R(\d+) invalid mem access '(\w+)'/, explain: explainInvalidPointer },
];

function explainNullCheck(reading: Reading, m: RegExpExecArray): Explained {
  const state = reading.register(Number(m[1]));
  const map = reading.mapOf(state);
  const id = state ? /\bid=(\d+)/.exec(state)?.[1] : undefined;
  const lookup = reading.parsed.instructions.find(
    (i) => /call bpf_map_lookup_elem/.test(i.text) && id !== undefined && new RegExp(`R0=\\w*or_null\\w*\\(id=${id}\\b`).test(i.state),
  );
  const lookupLine = lookup ? reading.locate(/\.lookup\b|\bbpf_map_lookup_elem\b/, lookup) : undefined;
  let variable: string | undefined;
  let mapAsWritten = map;
  if (reading.source && lookupLine !== undefined) {
    const written = /\b([A-Za-z_]\w*)\s*=\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\.\s*lookup\s*\(/.exec(reading.source.codeLine(lookupLine) ?? '');
    if (written) {
      variable = written[1];
      mapAsWritten ??= written[2];
    }
  }
  const useLine = reading.locate(/->|\*\s*[A-Za-z_(]/);
  const lookupCall = mapAsWritten ? `${mapAsWritten}.lookup()` : 'a map lookup';
  const origin = variable ? ` (${code(variable)}${lookupLine !== undefined && lookupLine !== useLine ? `, line ${lookupLine}` : ''})` : '';
  const where = useLine !== undefined ? `line ${useLine} uses` : 'it uses';
  return {
    rule: 'null-check',
    cause: `${reading.rejected()}: ${where} a value from ${lookupCall}${origin} without checking it for NULL first.`,
    fix: `Wrap the code that uses it in ${code(`if (${variable ?? 'value'} != NULL) { … }`)}: lookup() gives NULL when the key is not in the map.`,
    location: reading.location(useLine ?? lookupLine),
  };
}

function explainUnboundedSize(reading: Reading, m: RegExpExecArray): Explained {
  const register = Number(m[1]);
  const helper = reading.helper;
  const line = reading.locate(helper ? helperCallPattern(helper) : undefined);
  const args = reading.helperArguments(line);
  const index = helper ? writtenArgumentIndex(helper, register) : undefined;
  const expression = index !== undefined ? args?.[index] : undefined;
  const role = (helper && helperArgumentName(helper, register)) ?? `argument ${register}`;
  const what = `the ${role} given to ${helper ? helperLabel(helper) : 'a helper'}${expression ? ` (${code(expression)})` : ''}`;
  const problem =
    m[2] === 'unbounded memory access'
      ? 'has no upper limit the verifier can see, so the copy could run past the end of its destination'
      : m[2] === 'min value is negative'
        ? 'could be negative, which as a size means a huge copy'
        : 'could be zero, and a copy of zero bytes is refused';
  const destination = args?.[0] && helper && /^bpf_probe_read/.test(helper) ? args[0].replace(/^&\s*/, '') : undefined;
  const bound = destination ? `sizeof(${destination})` : 'MAX';
  const n = expression ?? 'n';
  const clamp = `${n} < ${bound} ? ${n} : ${bound}`;
  const fix =
    m[2] === 'unbounded memory access'
      ? `Clamp it before the call and pass the clamped value, e.g. ${code(`size_t len = ${clamp};`)}: the verifier must be able to prove the copy fits.`
      : m[2] === 'min value is negative'
        ? `Return early when it is not positive (${code(`if (${n} <= 0) return 0;`)} in a hook), keep it in an unsigned variable, and clamp it to ${code(bound)}.`
        : `Return early when it is 0 (${code(`if (${n} == 0)`)}) before copying.`;
  return {
    rule: 'unbounded-size',
    cause: `${reading.rejected()}:${onLine(line)} ${what} ${problem}.`,
    fix,
    location: reading.location(line),
  };
}

function explainCombinedStack(reading: Reading, m: RegExpExecArray): Explained {
  const { cause, fix } = explainStackLimit(reading.hook, reading.source, Number(m[2]));
  return { rule: 'stack-limit', cause, fix, location: reading.location(reading.markerLine()) };
}

function explainBackendStack(reading: Reading, m: RegExpExecArray): Explained {
  const located = /(?:error: )?(.+?):(\d+):\d+: in function ([\w.$]+)/.exec(m.input);
  const fn = located ? learnerFunctionName(located[3]!) : reading.hook;
  const { cause, fix } = explainStackLimit(fn, reading.source);
  return {
    rule: 'stack-limit',
    cause,
    fix,
    location: located ? { file: located[1]!, line: Number(located[2]) } : reading.location(reading.markerLine()),
  };
}

function explainUninitializedStack(reading: Reading, m: RegExpExecArray): Explained {
  const helper = reading.helper;
  const line = reading.locate(helper ? helperCallPattern(helper) : undefined);
  const args = reading.helperArguments(line);
  const index = helper && m[1] ? writtenArgumentIndex(helper, Number(m[1])) : undefined;
  const pointer = index !== undefined ? args?.[index] : undefined;
  const variable = pointer ? /^&\s*([A-Za-z_]\w*)$/.exec(pointer)?.[1] : undefined;
  const type = variable && line !== undefined ? reading.source?.declaredType(variable, line) : undefined;
  const passes = pointer ? `passes ${code(pointer)} to` : 'passes stack memory to';
  return {
    rule: 'uninitialized-stack',
    cause:
      `${reading.rejected()}:${onLine(line)} it ${passes} ${helper ? helperLabel(helper) : 'a helper'} while some of its bytes were never set ` +
      '(often the padding between fields), and uninitialised stack memory may not leave the program.',
    fix:
      variable && type
        ? `Start it from zero where you declare it: ${code(`${type} ${variable} = {};`)}.`
        : 'Start the variable from zero where you declare it, with `= {}`.',
    location: reading.location(line),
  };
}

function explainNoReturn(reading: Reading): Explained {
  const hook = reading.hook ? reading.source?.function(reading.hook) : undefined;
  const warning = reading.options.warnings?.find(
    (w) => /does not return a value/.test(w.message) && (!hook || (w.line >= hook.line && w.line <= hook.endLine)),
  );
  const line = warning?.line ?? hook?.endLine ?? reading.markerLine();
  return {
    rule: 'no-return',
    cause: `${reading.rejected()}: it can reach its end${onLine(line)} without returning a value, and every hook must return one.`,
    fix: 'End the function with `return 0;`.',
    location: reading.location(line),
  };
}

function explainUnreachable(reading: Reading): Explained {
  return {
    rule: 'unreachable',
    cause: `${reading.rejected()}: it holds instructions that can never run.`,
    fix: 'Look for code after a `return`, and for a function that can end without `return`; remove or fix it.',
    location: reading.location(reading.markerLine()),
  };
}

function explainTooComplex(reading: Reading, m: RegExpExecArray): Explained {
  // A loop shows as a jump backwards among the last instructions walked.
  const tail = reading.parsed.instructions.slice(-40);
  const backJump = [...tail].reverse().find((i) => /goto pc-\d+/.test(i.text));
  const loopish = backJump !== undefined || /loop|back-edge/.test(m[0]);
  let line = reading.markerLine(backJump ?? reading.failing);
  const source = reading.source;
  if (loopish && source && line !== undefined) {
    // The jump back belongs to the loop's last line; its head is the nearest `for`/`while` above.
    const fn = source.functionAt(line);
    for (let l = line; l >= Math.max(line - 12, fn?.bodyLine ?? 1); l--) {
      if (/\b(for|while)\s*\(/.test(source.codeLine(l) ?? '')) {
        line = l;
        break;
      }
    }
  }
  if (loopish) {
    return {
      rule: 'too-complex',
      cause:
        `${reading.rejected()}: it gave up following the loop${onLine(line)}. The verifier walks every iteration ` +
        'of a loop, and this one has no limit it can see.',
      fix: 'Give the loop a small fixed bound, e.g. `for (int i = 0; i < 64 && i < n; i++)`, or do without it: a hook should do little work per event.',
      location: reading.location(line),
    };
  }
  return {
    rule: 'too-complex',
    cause: `${reading.rejected()}: the program has more paths than the verifier is willing to follow.`,
    fix: 'Make the hook simpler: fewer branches, smaller loops, less work per event.',
    location: reading.location(line),
  };
}

function explainUndefinedFunction(reading: Reading): Explained {
  const warning = reading.options.warnings?.find((w) => /implicit declaration of function '(\w+)'|call to undeclared function '(\w+)'/.test(w.message));
  const name = warning ? /function '(\w+)'/.exec(warning.message)?.[1] : undefined;
  if (!warning || !name) {
    return {
      rule: 'unknown-function',
      cause: `${reading.rejected()}: it calls a function that has no body, so the compiled program ends in a call to nothing.`,
      fix: 'Define every function you call, above its first use, and check the spelling of the BPF helpers you call.',
    };
  }
  const candidates = [...(reading.source?.functions().map((f) => f.name) ?? []), ...BPF_HELPER_NAMES];
  const suggestion = didYouMean(name, candidates);
  return {
    rule: 'unknown-function',
    cause:
      `${reading.rejected()}: ${code(name)} on line ${warning.line} is neither defined in your file nor a helper BCC knows, ` +
      'so the program calls nothing there.',
    fix: suggestion ? `Did you mean ${code(suggestion)}?` : `Define ${code(name)} above its first use, or check its spelling.`,
    location: { file: warning.file, line: warning.line },
  };
}

function explainUnavailableHelper(reading: Reading, m: RegExpExecArray): Explained {
  const helper = m[1]!;
  const line = reading.locate(helperCallPattern(helper));
  return {
    rule: 'unknown-function',
    cause: `${reading.rejected()}:${onLine(line)} it calls ${code(helper)}, which this kernel does not offer to this kind of program.`,
    fix: /^bpf_probe_read_(user|kernel)/.test(helper)
      ? 'Use `bpf_probe_read`, which every kernel BCC supports offers.'
      : 'Use a helper this kind of program may call; the workshop only needs bpf_get_current_pid_tgid, bpf_ktime_get_ns and bpf_probe_read.',
    location: reading.location(line),
  };
}

function explainMapValueAccess(reading: Reading, m: RegExpExecArray): Explained {
  const [valueSize, offset, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const register = reading.failing ? /\(r(\d+) [+-]\d+\)/.exec(reading.failing.text)?.[1] : undefined;
  const map = reading.mapOf(register ? reading.register(Number(register)) : undefined);
  const line = reading.locate(/->|\[/);
  const cause =
    `${reading.rejected()}:${onLine(line)} it reads ${size} bytes at offset ${offset} of a value from ${map ?? 'a map'}, ` +
    `but that map's values are only ${valueSize} bytes long.`;
  const source = reading.source;
  const declared = map ? source?.maps().find((d) => d.name === map) : undefined;
  if (source && declared?.valueType) {
    // The usual cause: the lookup's result is taken for another map's type (copied from the read hook).
    const lookup = new RegExp(`(struct\\s+\\w+)\\s*\\*\\s*\\w+\\s*=\\s*(?:\\([^)]*\\)\\s*)?${escapeRegExp(map!)}\\s*\\.\\s*lookup\\b`);
    for (let l = 1; l <= source.lineCount; l++) {
      const found = lookup.exec(source.codeLine(l) ?? '');
      const taken = found?.[1]!.replace(/\s+/g, ' ');
      if (!taken || taken === declared.valueType.replace(/\s+/g, ' ')) continue;
      const meant = source.maps().find((d) => d.valueType?.replace(/\s+/g, ' ') === taken);
      return {
        rule: 'invalid-access',
        cause: `${cause} Line ${l} treats ${map}.lookup()'s result as a ${code(`${taken}*`)}, but ${map} holds ${code(declared.valueType)}.`,
        fix: meant
          ? `Look up the map that holds ${code(taken)}: did you mean ${code(`${meant.name}.lookup(…)`)}?`
          : `Use the type the map holds: ${code(`${declared.valueType}*`)}.`,
        location: reading.location(l),
      };
    }
  }
  return {
    rule: 'invalid-access',
    cause,
    fix: declared?.valueType
      ? `Read only the fields of ${code(declared.valueType)}, the type ${map} holds.`
      : 'Check that the pointer has the type the map holds, and read only its fields.',
    location: reading.location(line),
  };
}

function explainStackBounds(reading: Reading, m: RegExpExecArray): Explained {
  const [direction, register, offset, size] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[4])];
  const helper = reading.helper;
  const pattern = helper ? withMap(helperCallPattern(helper), helper, reading) : undefined;
  const line = reading.locate(pattern);
  const args = reading.helperArguments(line);
  const pointerIndex = helper ? writtenArgumentIndex(helper, register) : undefined;
  const pointer = pointerIndex !== undefined ? args?.[pointerIndex] : undefined;
  const sizeRegister = helper === 'bpf_perf_event_output' ? 5 : helper && /^bpf_probe_read/.test(helper) ? 2 : undefined;
  const sizeIndex = helper && sizeRegister ? writtenArgumentIndex(helper, sizeRegister) : undefined;
  const sizeExpression = sizeIndex !== undefined ? args?.[sizeIndex] : undefined;
  const room = -offset;
  const target = pointer?.replace(/^&\s*/, '');
  const bytes = `${size} bytes${sizeExpression ? ` (${code(sizeExpression)})` : ''}`;
  const verb = direction === 'write to' ? 'copy' : helper === 'bpf_perf_event_output' ? 'send' : 'read';
  const where = direction === 'write to' ? 'into' : 'from';
  const label = helper ? helperLabel(helper) : 'a helper';
  const cause =
    `${reading.rejected()}:${onLine(line)} ${label} is asked to ${verb} ${bytes} ${where} ${target ? code(target) : 'a local variable'}, ` +
    `which has room for at most ${room > 0 ? room : 0}.`;
  let fix = 'Pass the size of the variable itself, with `sizeof`.';
  if (target) {
    const variable = /^([A-Za-z_]\w*)$/.exec(target)?.[1];
    const type = variable && line !== undefined ? reading.source?.declaredType(variable, line) : undefined;
    fix = `Pass the size of what you ${helper === 'bpf_perf_event_output' ? 'send' : 'copy into'}: ${code(`sizeof(${type ?? target})`)}.`;
  }
  return { rule: 'invalid-access', cause, fix, location: reading.location(line) };
}

/** perf_submit lines of the output the log names, when it names one: `socket_close_events.perf_submit`. */
function withMap(pattern: RegExp, helper: string, reading: Reading): RegExp {
  if (helper !== 'bpf_perf_event_output') return pattern;
  const output = reading.mapOf(reading.register(2));
  return output ? new RegExp(`\\b${escapeRegExp(output)}\\s*\\.\\s*perf_submit\\b`) : pattern;
}

function explainContextAccess(reading: Reading, m: RegExpExecArray): Explained {
  const line = reading.locate(/\bctx\b|PT_REGS_/);
  return {
    rule: 'invalid-access',
    cause: `${reading.rejected()}:${onLine(line)} it reads ${m[2]} bytes at offset ${m[1]} of ${code('ctx')}, outside what this kind of hook receives.`,
    fix:
      'Read the syscall\'s arguments from your hook\'s own parameters instead of `PT_REGS_PARM…(ctx)`; on this kernel the hooks run as ' +
      'tracepoints, where only `PT_REGS_RC(ctx)` (the return value) is translated.',
    location: reading.location(line),
  };
}

function explainInvalidPointer(reading: Reading, m: RegExpExecArray): Explained {
  const line = reading.locate(/->|\[|\*\s*[A-Za-z_(]/);
  return {
    rule: 'invalid-access',
    cause:
      `${reading.rejected()}:${onLine(line)} it reads memory through a pointer the verifier cannot vouch for ` +
      `(to it, R${m[1]} is ${m[2] === 'scalar' ? 'just a number' : `a ${m[2]}`}).`,
    fix:
      'Memory outside your program, such as the server\'s buffers or a pointer kept in a map, must be copied first: ' +
      '`bpf_probe_read(&copy, sizeof(copy), pointer);`, then use the copy.',
    location: reading.location(line),
  };
}

/** The refused instruction with a few lines of context before it, and the reason. */
function tailOf(parsed: ParsedLog, context = 4): string {
  const meaningful = parsed.lines.filter((l) => l.trim() !== '' && !STATISTICS.test(l.trim()));
  if (parsed.failingRow === undefined) return meaningful.slice(-context - 2).join('\n');
  const upTo = parsed.lines.slice(0, parsed.failingRow + 1).filter((l) => l.trim() !== '' && !STATISTICS.test(l.trim()));
  return [...upTo.slice(-context - 1), ...parsed.messages].join('\n');
}
