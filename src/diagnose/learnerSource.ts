// Just enough reading of the learner's C to word a diagnosis: which maps, structs and
// functions the file defines and on which lines, which function a line belongs to, what a
// call's arguments are. Not a C parser: comments and literals are blanked out (keeping every
// offset and line), then brackets are balanced at the top level.
import { blankCommentsAndLiterals, LineIndex } from '../c/cText.js';

export interface Definition {
  name: string;
  /** 1-based line of the name. */
  line: number;
  /** 1-based lines of the body's `{` and `}` (endLine = last line when unterminated). */
  bodyLine: number;
  endLine: number;
  /** Offsets of the body, braces included. */
  bodyStart: number;
  bodyEnd: number;
}

export interface FunctionDefinition extends Definition {
  kind: 'function';
}

export interface AggregateDefinition extends Definition {
  kind: 'struct' | 'union' | 'enum';
}

export interface MapDeclaration {
  name: string;
  /** The BCC macro: BPF_HASH, BPF_PERF_OUTPUT, … */
  macro: string;
  /** The value type as written (third argument of BPF_HASH and friends), when there is one. */
  valueType?: string;
  line: number;
}

export class LearnerSource {
  /** The text with comments, string and character literals replaced by spaces. */
  readonly code: string;
  private readonly lines: LineIndex;
  private readonly lineStarts: number[];
  private cachedTopLevel?: { functions: FunctionDefinition[]; aggregates: AggregateDefinition[] };

  constructor(readonly text: string) {
    this.code = blankCommentsAndLiterals(text);
    this.lines = new LineIndex(text);
    this.lineStarts = this.lines.starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    return this.lines.lineOf(offset);
  }

  /** The offset where a 1-based line starts. */
  offsetOf(line: number): number {
    return this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1]!;
  }

  /** A line as written (undefined outside the file). */
  line(line: number): string | undefined {
    if (line < 1 || line > this.lineStarts.length) return undefined;
    const end = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.text.length;
    return this.text.slice(this.lineStarts[line - 1], end);
  }

  /** A line with comments and literals blanked. */
  codeLine(line: number): string | undefined {
    if (line < 1 || line > this.lineStarts.length) return undefined;
    const end = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.code.length;
    return this.code.slice(this.lineStarts[line - 1], end);
  }

  functions(): FunctionDefinition[] {
    return this.topLevel().functions;
  }

  aggregates(): AggregateDefinition[] {
    return this.topLevel().aggregates;
  }

  function(name: string): FunctionDefinition | undefined {
    return this.functions().find((f) => f.name === name);
  }

  aggregate(kind: string, name: string): AggregateDefinition | undefined {
    return this.aggregates().find((a) => a.kind === kind && a.name === name);
  }

  /** The function whose body holds this line. */
  functionAt(line: number): FunctionDefinition | undefined {
    return this.functions().find((f) => f.bodyLine <= line && line <= f.endLine);
  }

  /** The function and, transitively, every function of this file it calls, callers first. */
  reach(name: string): FunctionDefinition[] {
    const byName = new Map(this.functions().map((f) => [f.name, f]));
    const seen: FunctionDefinition[] = [];
    const visit = (fn: FunctionDefinition | undefined) => {
      if (!fn || seen.includes(fn)) return;
      seen.push(fn);
      const body = this.code.slice(fn.bodyStart, fn.bodyEnd);
      for (const call of body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) visit(byName.get(call[1]!));
    };
    visit(byName.get(name));
    return seen;
  }

  /** BPF_HASH(name, …), BPF_PERF_OUTPUT(name), … in source order. */
  maps(): MapDeclaration[] {
    const maps: MapDeclaration[] = [];
    for (const m of this.code.matchAll(/\b(BPF_[A-Z_]+)\s*\(([^;]*?)\)\s*;/g)) {
      const macro = m[1]!;
      const args = splitArguments(m[2]!);
      // BPF_TABLE("hash", key, value, name, size) names the map fourth; the string literal
      // is blank in `code`, so read the arguments' positions only.
      const name = macro.startsWith('BPF_TABLE') ? args[3] : args[0];
      if (!name || !/^[A-Za-z_]\w*$/.test(name)) continue;
      // BPF_ARRAY(name, value, size); BPF_HASH(name, key, value); BPF_TABLE(type, key, value, name).
      const valueType = macro.includes('ARRAY') ? args[1] : macro.includes('HASH') || macro.startsWith('BPF_TABLE') ? args[2] : undefined;
      maps.push({ name, macro, valueType: valueType || undefined, line: this.lineAt(m.index!) });
    }
    return maps;
  }

  /**
   * Where each name the file declares at the top level is declared: maps, functions, structs
   * (and unions, enums), their enumerators, #define macros and typedefs. A name declared twice
   * counts from its first line. In line order.
   */
  declarations(): Map<string, number> {
    const found = new Map<string, number>();
    const add = (name: string, line: number) => {
      const known = found.get(name);
      if (known === undefined || line < known) found.set(name, line);
    };
    const defines = [...this.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm)];
    for (const m of defines) add(m[1]!, this.lineAt(m.index!));
    for (const m of this.code.matchAll(/\btypedef\b[^;{]*?([A-Za-z_]\w*)\s*;/g)) add(m[1]!, this.lineAt(m.index! + m[0].lastIndexOf(m[1]!)));
    for (const map of this.maps()) add(map.name, map.line);
    for (const fn of this.functions()) add(fn.name, fn.line);
    for (const aggregate of this.aggregates()) {
      add(aggregate.name, aggregate.line);
      if (aggregate.kind !== 'enum') continue;
      const body = this.code.slice(aggregate.bodyStart + 1, aggregate.bodyEnd - 1);
      for (const m of body.matchAll(/([A-Za-z_]\w*)\s*(?:=[^,]*)?(?:,|$)/g)) {
        add(m[1]!, this.lineAt(aggregate.bodyStart + 1 + m.index!));
      }
    }
    return new Map([...found].sort((a, b) => a[1] - b[1]));
  }

  /** Every identifier used in the code (not in comments or literals). */
  identifiers(): Set<string> {
    return new Set(this.code.match(/\b[A-Za-z_]\w*\b/g) ?? []);
  }

  /** The first line (1-based) where `name` appears as a whole word, if any. */
  firstUse(name: string, from = 1): number | undefined {
    const pattern = new RegExp(`\\b${escapeRegExp(name)}\\b`);
    for (let line = from; line <= this.lineCount; line++) {
      if (pattern.test(this.codeLine(line)!)) return line;
    }
    return undefined;
  }

  /** Field names of a struct or union defined in this file. */
  fields(kind: 'struct' | 'union', name: string): string[] {
    const aggregate = this.aggregate(kind, name);
    if (!aggregate) return [];
    const body = this.code.slice(aggregate.bodyStart + 1, aggregate.bodyEnd - 1);
    return [...body.matchAll(/([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(?::\s*\d+\s*)?;/g)].map((m) => m[1]!);
  }

  /** The declared type of a local or parameter `name` in the function holding `line`. */
  declaredType(name: string, line: number): string | undefined {
    const fn = this.functionAt(line);
    const start = fn ? this.offsetOf(fn.line) : 0;
    const end = fn ? fn.bodyEnd : this.code.length;
    const scope = this.code.slice(start, end);
    const pattern = new RegExp(`((?:const\\s+)?(?:struct|union|enum)\\s+\\w+|\\w+)\\s*(\\*?)\\s*\\b${escapeRegExp(name)}\\s*(?:=|;|,|\\)|\\[)`);
    const m = pattern.exec(scope);
    if (!m || /^(return|sizeof)$/.test(m[1]!)) return undefined;
    return `${m[1]!.replace(/\s+/g, ' ')}${m[2]}`;
  }

  private topLevel(): { functions: FunctionDefinition[]; aggregates: AggregateDefinition[] } {
    if (!this.cachedTopLevel) this.cachedTopLevel = scanTopLevel(this);
    return this.cachedTopLevel;
  }
}

/**
 * The arguments of the call to `callee` on a line (or starting on it and continuing below),
 * as written, split at top-level commas. `callee` may be a method: `.perf_submit`.
 */
export function callArguments(source: LearnerSource, line: number, callee: RegExp): string[] | undefined {
  const start = source.offsetOf(line);
  const lineEnd = start + (source.codeLine(line)?.length ?? 0);
  const head = source.code.slice(start, lineEnd);
  const m = new RegExp(`${callee.source}\\s*\\(`).exec(head);
  if (!m) return undefined;
  const open = start + m.index + m[0].length - 1;
  const close = matchingBracket(source.code, open);
  if (close < 0) return undefined;
  // Arguments come from the real text (a string argument stays readable), split by the
  // blanked code's commas so a comma inside a literal does not count.
  const code = source.code.slice(open + 1, close);
  if (code.trim() === '') return [];
  return splitByPositions(source.text.slice(open + 1, close), code).map((a) => a.replace(/\s+/g, ' '));
}

function splitByPositions(text: string, code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts;
}

/** Splits an argument list at its top-level commas. */
export function splitArguments(list: string): string[] {
  if (list.trim() === '') return [];
  return splitByPositions(list, list).map((a) => a.replace(/\s+/g, ' '));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The offset of the bracket closing the one at `open`, or -1. */
function matchingBracket(code: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function scanTopLevel(source: LearnerSource): { functions: FunctionDefinition[]; aggregates: AggregateDefinition[] } {
  const code = source.code;
  const functions: FunctionDefinition[] = [];
  const aggregates: AggregateDefinition[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '#') {
      // A preprocessor line (with its continuations) holds no definitions we want.
      while (i < code.length && !(code[i] === '\n' && code[i - 1] !== '\\')) i++;
      continue;
    }
    if (c === '(' || c === '[') {
      const close = matchingBracket(code, i);
      i = close < 0 ? code.length : close + 1;
      continue;
    }
    if (c !== '{') {
      i++;
      continue;
    }
    const close = matchingBracket(code, i);
    const bodyEnd = close < 0 ? code.length : close + 1;
    const before = code.slice(0, i);
    const body = {
      bodyLine: source.lineAt(i),
      endLine: source.lineAt(Math.max(bodyEnd - 1, i)),
      bodyStart: i,
      bodyEnd,
    };
    const aggregate = /\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*$/.exec(before);
    if (aggregate) {
      aggregates.push({ kind: aggregate[1] as 'struct', name: aggregate[2]!, line: source.lineAt(aggregate.index + aggregate[0].indexOf(aggregate[2]!)), ...body });
    } else if (/\)\s*$/.test(before)) {
      const closeParen = before.lastIndexOf(')');
      const openParen = openingBracket(code, closeParen);
      const name = openParen >= 0 ? /([A-Za-z_]\w*)\s*$/.exec(code.slice(0, openParen)) : null;
      if (name) functions.push({ kind: 'function', name: name[1]!, line: source.lineAt(name.index), ...body });
    }
    i = bodyEnd;
  }
  return { functions, aggregates };
}

function openingBracket(code: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (code[i] === ')') depth++;
    else if (code[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

