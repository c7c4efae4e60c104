// What a C file defines at its top level: functions (with their parameter lists) and
// structs, unions and enums. Read from the lexer's tokens by balancing brackets; prototypes,
// calls, and anything inside a body, a comment, a literal or a directive are not definitions.
import type { Token } from './lexer.js';
import type { LineIndex } from './lineIndex.js';

export interface Parameter {
  /** The parameter's type as written, comments removed, whitespace collapsed: `struct pt_regs*`. */
  type: string;
  /** null for an unnamed parameter. */
  name: string | null;
  /** Offsets of the parameter's first and one-past-last character. */
  start: number;
  end: number;
  /** 1-based line of the parameter's first character. */
  line: number;
}

export interface Definition {
  name: string;
  /** Offset and 1-based line of the name. */
  nameOffset: number;
  line: number;
  /** Offsets of the body, braces included (bodyEnd = the text's length when unterminated). */
  bodyStart: number;
  bodyEnd: number;
  /** 1-based lines of the body's `{` and `}` (endLine = the last line when unterminated). */
  bodyLine: number;
  endLine: number;
  /** Indices in the code tokens of the body's `{` and `}` (tokens.length when unterminated). */
  open: number;
  close: number;
}

export interface FunctionDefinition extends Definition {
  kind: 'function';
  /** Where the definition starts: its first specifier (`static`, `int`, an attribute…). */
  start: number;
  startLine: number;
  parameters: Parameter[];
}

export interface AggregateDefinition extends Definition {
  kind: 'struct' | 'union' | 'enum';
}

export interface TopLevel {
  functions: FunctionDefinition[];
  aggregates: AggregateDefinition[];
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export const isOpening = (token: Token | undefined) => token?.kind === 'punct' && CLOSERS[token.text] !== undefined;
export const isClosing = (token: Token | undefined) => token?.kind === 'punct' && (token.text === ')' || token.text === ']' || token.text === '}');
/** Is this token the punctuation `text`? */
export const isPunct = (token: Token | undefined, text: string) => token?.kind === 'punct' && token.text === text;

/** Index of the token closing the bracket opened at `open`, or tokens.length when none does. A stray closer is passed over. */
export function matchBracket(tokens: Token[], open: number): number {
  const expected: string[] = [];
  for (let k = open; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind !== 'punct') continue;
    if (CLOSERS[token.text]) expected.push(CLOSERS[token.text]!);
    else if (token.text === expected[expected.length - 1]) {
      expected.pop();
      if (expected.length === 0) return k;
    }
  }
  return tokens.length;
}

/**
 * The top-level definitions of a file, in order. `tokens` are its code tokens (no comments).
 * `textLength` is where an unterminated body ends.
 */
export function topLevelDefinitions(tokens: Token[], lines: LineIndex, textLength: number): TopLevel {
  const functions: FunctionDefinition[] = [];
  const aggregates: AggregateDefinition[] = [];
  const body = (name: Token, open: number): Definition => {
    const close = matchBracket(tokens, open);
    const bodyEnd = close < tokens.length ? tokens[close]!.end : textLength;
    return {
      name: name.text,
      nameOffset: name.start,
      line: lines.lineOf(name.start),
      bodyStart: tokens[open]!.start,
      bodyEnd,
      bodyLine: lines.lineOf(tokens[open]!.start),
      endLine: lines.lineOf(Math.max(bodyEnd - 1, tokens[open]!.start)),
      open,
      close,
    };
  };
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (isOpening(token)) depth++;
    else if (isClosing(token)) depth = Math.max(0, depth - 1);
    if (depth !== 0 || token.kind !== 'word') continue;
    if (/^(struct|union|enum)$/.test(token.text) && tokens[k + 1]?.kind === 'word' && isPunct(tokens[k + 2], '{')) {
      const aggregate: AggregateDefinition = { kind: token.text as AggregateDefinition['kind'], ...body(tokens[k + 1]!, k + 2) };
      aggregates.push(aggregate);
      k = aggregate.close; // on past the body; depth stays 0
      continue;
    }
    if (!isPunct(tokens[k + 1], '(')) continue;
    const closeParen = matchBracket(tokens, k + 1);
    // After the parameter list, attributes may come before the body.
    let next = closeParen + 1;
    while (tokens[next]?.kind === 'word' && isPunct(tokens[next + 1], '(')) next = matchBracket(tokens, next + 1) + 1;
    while (tokens[next]?.kind === 'word' && /^(const|__\w+)$/.test(tokens[next]!.text)) next++;
    if (!isPunct(tokens[next], '{')) continue; // a prototype or a macro's use: the `(` is read next
    const start = tokens[declarationStart(tokens, k)]!.start;
    const fn: FunctionDefinition = {
      kind: 'function',
      start,
      startLine: lines.lineOf(start),
      parameters: parseParameters(tokens.slice(k + 2, closeParen), lines),
      ...body(token, next),
    };
    functions.push(fn);
    k = fn.close;
  }
  return { functions, aggregates };
}

/** Index of the first token of the top-level declaration holding token `at`. */
function declarationStart(tokens: Token[], at: number): number {
  let k = at;
  while (k > 0) {
    const previous = tokens[k - 1]!;
    if (previous.kind === 'directive' || isPunct(previous, ';') || isPunct(previous, '}') || isPunct(previous, '{')) break;
    k--;
  }
  return k;
}

/** Source text rebuilt from tokens, comments dropped and any gap turned into one space. */
export function joinTokens(tokens: Token[]): string {
  let text = '';
  for (let k = 0; k < tokens.length; k++) {
    if (k > 0 && tokens[k]!.start > tokens[k - 1]!.end) text += ' ';
    text += tokens[k]!.text;
  }
  return text;
}

// Words that can end a type, so a parameter ending in one of them has no name (`int`, `char *`).
const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool',
  'const', 'volatile', 'restrict', '__restrict',
]);

function parseParameter(tokens: Token[], lines: LineIndex): Parameter | null {
  if (tokens.length === 0) return null;
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  const base = { start: first.start, end: last.end, line: lines.lineOf(first.start) };
  // `char buf[]` or `char buf[16]`: the name precedes the brackets and the parameter is a pointer.
  let nameAt = tokens.length - 1;
  let isArray = false;
  if (isPunct(last, ']')) {
    nameAt = tokens.findIndex((t) => isPunct(t, '[')) - 1;
    isArray = true;
  }
  const nameToken = tokens[nameAt];
  const typeTokens = tokens.slice(0, Math.max(nameAt, 0));
  const named =
    nameToken !== undefined &&
    nameToken.kind === 'word' &&
    !TYPE_WORDS.has(nameToken.text) &&
    typeTokens.length > 0 &&
    !(typeTokens.length === 1 && /^(struct|union|enum)$/.test(typeTokens[0]!.text));
  if (!named) return { ...base, type: joinTokens(tokens), name: null };
  return { ...base, type: joinTokens(typeTokens) + (isArray ? ' *' : ''), name: nameToken.text };
}

/** Splits tokens at the commas outside brackets. */
export function splitAtCommas(tokens: Token[]): Token[][] {
  const groups: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isOpening(token)) depth++;
    else if (isClosing(token)) depth--;
    if (depth === 0 && isPunct(token, ',')) groups.push([]);
    else groups[groups.length - 1]!.push(token);
  }
  return groups;
}

function parseParameters(tokens: Token[], lines: LineIndex): Parameter[] {
  const parameters = splitAtCommas(tokens).map((group) => parseParameter(group, lines));
  // `()` and `(void)` both mean no parameters.
  if (parameters.length === 1 && (parameters[0] === null || (parameters[0].name === null && parameters[0].type === 'void'))) {
    return [];
  }
  // An empty slot (`int a, , int b`) is not C; keep its position so later parameters keep theirs.
  return parameters.map((p) => p ?? { type: '', name: null, start: 0, end: 0, line: 0 });
}
