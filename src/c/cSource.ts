// The C reader: one learner's file read once into tokens (lexer.ts), then asked what it
// defines and declares, on which lines, which function a line belongs to, what a call's
// arguments are. Not a C parser: brackets are balanced, comments, literals and directives
// recognised, and that is enough to find definitions and word a diagnosis. Hook finding,
// the static checks, the layout probes and every diagnosis read C through it.
import { blankedText, tokenize, type Token } from './lexer.js';
import { LineIndex } from './lineIndex.js';
import { isPunct, matchBracket, topLevelDefinitions, type AggregateDefinition, type FunctionDefinition, type TopLevel } from './definitions.js';
import {
  callees,
  declaredTypeIn,
  defines,
  enumerators,
  fieldNames,
  localNames,
  mapDeclarations,
  splitByPositions,
  typedefNames,
  type MapDeclaration,
} from './declarations.js';

export type { AggregateDefinition, FunctionDefinition, Parameter } from './definitions.js';
export type { MapDeclaration } from './declarations.js';
export type { Token } from './lexer.js';

export class CSource {
  /** The text with comments, string and character literals replaced by spaces. */
  readonly code: string;
  /** The code's tokens: words, numbers, punctuation, literals and directives; no comments. */
  readonly tokens: Token[];
  private readonly lines: LineIndex;
  private cachedTopLevel?: TopLevel;
  private cachedMaps?: MapDeclaration[];

  constructor(readonly text: string) {
    const all = tokenize(text);
    this.code = blankedText(text, all);
    this.tokens = all.filter((t) => t.kind !== 'comment');
    this.lines = new LineIndex(text);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    return this.lines.lineOf(offset);
  }

  /** The offset where a 1-based line starts. */
  offsetOf(line: number): number {
    const starts = this.lines.starts;
    return starts[Math.min(Math.max(line, 1), starts.length) - 1]!;
  }

  /** A line as written (undefined outside the file). */
  line(line: number): string | undefined {
    return this.slice(this.text, line);
  }

  /** A line with comments and literals blanked. */
  codeLine(line: number): string | undefined {
    return this.slice(this.code, line);
  }

  private slice(of: string, line: number): string | undefined {
    const starts = this.lines.starts;
    if (line < 1 || line > starts.length) return undefined;
    const end = line < starts.length ? starts[line]! - 1 : of.length;
    return of.slice(starts[line - 1], end);
  }

  /** Index of the first token that starts at or after `offset` (tokens.length when none does). */
  tokenIndexAt(offset: number): number {
    let low = 0;
    let high = this.tokens.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.tokens[mid]!.start < offset) low = mid + 1;
      else high = mid;
    }
    return low;
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
      for (const callee of callees(this.tokens, fn)) visit(byName.get(callee));
    };
    visit(byName.get(name));
    return seen;
  }

  /** BPF_HASH(name, …), BPF_PERF_OUTPUT(name), … in source order. */
  maps(): MapDeclaration[] {
    return (this.cachedMaps ??= mapDeclarations(this));
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
    for (const { name, offset } of defines(this)) add(name, this.lineAt(offset));
    for (const name of typedefNames(this)) add(name.text, this.lineAt(name.start));
    for (const map of this.maps()) add(map.name, map.line);
    for (const fn of this.functions()) add(fn.name, fn.line);
    for (const aggregate of this.aggregates()) {
      add(aggregate.name, aggregate.line);
      if (aggregate.kind !== 'enum') continue;
      for (const name of enumerators(this.tokens, aggregate)) add(name.text, this.lineAt(name.start));
    }
    return new Map([...found].sort((a, b) => a[1] - b[1]));
  }

  /** A `#define`d macro's value as written and its line (the first definition). */
  defined(name: string): { value: string; line: number } | undefined {
    const found = defines(this).find((d) => d.name === name);
    return found && { value: found.value, line: this.lineAt(found.offset) };
  }

  /** The first line (1-based, from `from` on) where `name` appears in the code as a word. */
  firstUse(name: string, from = 1): number | undefined {
    const start = this.tokenIndexAt(this.offsetOf(from));
    const token = this.tokens.slice(start).find((t) => t.kind === 'word' && t.text === name);
    return token ? this.lineAt(token.start) : undefined;
  }

  /** The methods called on `name` (`events.perf_submit(…)` → perf_submit), in order. */
  methodsCalledOn(name: string): string[] {
    const t = this.tokens;
    const methods: string[] = [];
    for (let k = 0; k + 3 < t.length; k++) {
      if (t[k]!.kind === 'word' && t[k]!.text === name && isPunct(t[k + 1], '.') && t[k + 2]!.kind === 'word' && isPunct(t[k + 3], '(')) {
        methods.push(t[k + 2]!.text);
      }
    }
    return methods;
  }

  /** Field names of a struct or union defined in this file. */
  fields(kind: 'struct' | 'union', name: string): string[] {
    const aggregate = this.aggregate(kind, name);
    return aggregate ? fieldNames(this.tokens, aggregate) : [];
  }

  /** The parameters and locals of the function holding `line`, in order (none outside functions). */
  localNames(line: number): string[] {
    const fn = this.functionAt(line);
    return fn ? localNames(this.tokens, fn) : [];
  }

  /** The declared type of a local or parameter `name` in the function holding `line`. */
  declaredType(name: string, line: number): string | undefined {
    const fn = this.functionAt(line);
    const from = fn ? this.tokenIndexAt(this.offsetOf(fn.line)) : 0;
    const to = fn ? fn.close : this.tokens.length;
    return declaredTypeIn(this.tokens.slice(from, to), name);
  }

  private topLevel(): TopLevel {
    return (this.cachedTopLevel ??= topLevelDefinitions(this.tokens, this.lines, this.text.length));
  }
}

/**
 * The arguments of the call to `callee` on a line (or starting on it and continuing below),
 * as written, split at top-level commas. `callee` may be a method: `.perf_submit`.
 */
export function callArguments(source: CSource, line: number, callee: RegExp): string[] | undefined {
  const start = source.offsetOf(line);
  const m = new RegExp(`${callee.source}\\s*\\(`).exec(source.codeLine(line) ?? '');
  if (!m) return undefined;
  const openOffset = start + m.index + m[0].length - 1;
  const open = source.tokenIndexAt(openOffset);
  const close = matchBracket(source.tokens, open);
  if (close >= source.tokens.length) return undefined;
  const closeOffset = source.tokens[close]!.start;
  // Arguments come from the real text (a string argument stays readable), split by the
  // blanked code's commas so a comma inside a literal does not count.
  const code = source.code.slice(openOffset + 1, closeOffset);
  if (code.trim() === '') return [];
  return splitByPositions(source.text.slice(openOffset + 1, closeOffset), code).map((a) => a.replace(/\s+/g, ' '));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface TopLevelAggregate {
  keyword: 'struct' | 'union' | 'enum';
  name: string;
  /** The text between its braces (to the end if unclosed), comments and literals blanked. */
  body: string;
}

/** `struct x {`, `union y {` and `enum z {` defined at file scope, in order, once each. */
export function topLevelAggregates(text: string): TopLevelAggregate[] {
  const source = new CSource(text);
  const seen = new Set<string>();
  const found: TopLevelAggregate[] = [];
  for (const a of source.aggregates()) {
    if (seen.has(`${a.kind} ${a.name}`)) continue;
    seen.add(`${a.kind} ${a.name}`);
    const bodyEnd = a.close < source.tokens.length ? a.bodyEnd - 1 : a.bodyEnd;
    found.push({ keyword: a.kind, name: a.name, body: source.code.slice(a.bodyStart + 1, bodyEnd) });
  }
  return found;
}

export { blankCommentsAndLiterals } from './lexer.js';
export { LineIndex } from './lineIndex.js';
