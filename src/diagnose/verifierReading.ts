// What every verifier rule's wording draws on: the parsed log, the learner's source, the
// failing hook and helper, and the ways to place a line and name a map or register.
import { callArguments, CSource } from '../c/cSource.js';
import { terminalSafe } from '../util/terminalText.js';
import type { Diagnostic } from '../engine/diagnostics.js';
import type { ErrorCode } from '../errors/codes.js';
import { helperCallPattern } from './bpfHelpers.js';
import { learnerFunctionName } from './programNames.js';
import type { Instruction, ParsedLog } from './verifierLog.js';

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
  /** The kind of mistake (docs/errors.md): VERIFIER_NULL_CHECK, STACK_LIMIT… */
  code: ErrorCode;
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

/** Context every rule's wording draws on. */
export class Reading {
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
export function onLine(line: number | undefined): string {
  return line === undefined ? '' : ` on line ${line}`;
}

/** Learner's text quoted in a message: visible codes for any byte a terminal would obey. */
export function code(text: string): string {
  return `\`${terminalSafe(text)}\``;
}

/** What a rule says; the code comes from the rule unless it says one of its own. */
export type Explained = Omit<VerifierSummary, 'rawTail' | 'code'> & { code?: ErrorCode };

export interface Rule {
  pattern: RegExp;
  explain: (reading: Reading, match: RegExpExecArray) => Explained;
}
