// The names a C file declares, read from the lexer's tokens: BCC's map macros, #defines,
// typedefs, enumerators, a struct's fields, the locals and parameters of a function, and the
// type a variable was declared with. One pass over the tokens each, never a regular
// expression over the whole text (those were quadratic on long identifiers).
import { isClosing, isOpening, isPunct, matchBracket, splitAtCommas, type AggregateDefinition, type FunctionDefinition } from './definitions.js';
import type { Token } from './lexer.js';

export interface MapDeclaration {
  name: string;
  /** The BCC macro: BPF_HASH, BPF_PERF_OUTPUT, … */
  macro: string;
  /** The value type as written (third argument of BPF_HASH and friends), when there is one. */
  valueType?: string;
  line: number;
}

/** What the readers below need of a file. */
export interface TokenView {
  tokens: Token[];
  /** The text with comments and literals blanked. */
  code: string;
  lineAt(offset: number): number;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** Splits an argument list at its top-level commas, whitespace collapsed. */
export function splitArguments(list: string): string[] {
  if (list.trim() === '') return [];
  return splitByPositions(list, list).map((a) => a.replace(/\s+/g, ' '));
}

/** `text` cut where `code` (the same text, blanked) has a comma outside brackets. */
export function splitByPositions(text: string, code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts;
}

/** BPF_HASH(name, …);, BPF_PERF_OUTPUT(name);, … in source order. */
export function mapDeclarations(file: TokenView): MapDeclaration[] {
  const { tokens, code } = file;
  const maps: MapDeclaration[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind !== 'word' || !/^BPF_[A-Z_]+$/.test(token.text) || !isPunct(tokens[k + 1], '(')) continue;
    const close = matchBracket(tokens, k + 1);
    if (!isPunct(tokens[close + 1], ';')) continue;
    const macro = token.text;
    const args = splitArguments(code.slice(tokens[k + 1]!.end, tokens[close]!.start));
    // BPF_TABLE("hash", key, value, name, size) names the map fourth; the string literal
    // is blank in `code`, so read the arguments' positions only.
    const name = macro.startsWith('BPF_TABLE') ? args[3] : args[0];
    k = close + 1;
    if (!name || !IDENTIFIER.test(name)) continue;
    // BPF_ARRAY(name, value, size); BPF_HASH(name, key, value); BPF_TABLE(type, key, value, name).
    const valueType = macro.includes('ARRAY') ? args[1] : macro.includes('HASH') || macro.startsWith('BPF_TABLE') ? args[2] : undefined;
    maps.push({ name, macro, valueType: valueType || undefined, line: file.lineAt(token.start) });
  }
  return maps;
}

/** `#define NAME value`: each macro's name, its value as written, and the offset of its `#`. */
export function defines(file: TokenView): { name: string; value: string; offset: number }[] {
  const found: { name: string; value: string; offset: number }[] = [];
  for (const token of file.tokens) {
    const m = token.kind === 'directive' ? /^#[ \t]*define[ \t]+([A-Za-z_]\w*)/.exec(token.text) : null;
    if (m) found.push({ name: m[1]!, value: token.text.slice(m[0].length).trim(), offset: token.start });
  }
  return found;
}

/** The names typedefs declare (`typedef struct x {…} x_t;` → x_t), with their tokens. */
export function typedefNames(file: TokenView): Token[] {
  const { tokens } = file;
  const names: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k]!.kind !== 'word' || tokens[k]!.text !== 'typedef') continue;
    // The declared name is the last word outside brackets before the `;`.
    let name: Token | undefined;
    let depth = 0;
    let j = k + 1;
    for (; j < tokens.length && !(depth === 0 && isPunct(tokens[j], ';')); j++) {
      const token = tokens[j]!;
      if (isOpening(token)) depth++;
      else if (isClosing(token)) depth--;
      else if (depth === 0 && token.kind === 'word') name = token;
    }
    if (name && j < tokens.length) names.push(name);
    k = j;
  }
  return names;
}

/** The tokens strictly between a definition's braces. */
function bodyTokens(tokens: Token[], definition: { open: number; close: number }): Token[] {
  return tokens.slice(definition.open + 1, definition.close);
}

/** An enum's enumerators, in order. */
export function enumerators(tokens: Token[], aggregate: AggregateDefinition): Token[] {
  return splitAtCommas(bodyTokens(tokens, aggregate))
    .map((group) => group[0])
    .filter((token): token is Token => token?.kind === 'word');
}

/** The name a declarator declares: `msg[DATA_LEN]` → msg, `flags : 3` → flags. */
function declaratorName(group: Token[]): Token | undefined {
  let depth = 0;
  let name: Token | undefined;
  for (const token of group) {
    if (depth === 0 && isPunct(token, ':')) break; // a bit-field's width follows
    if (isOpening(token)) {
      if (depth === 0 && isPunct(token, '[') && name) break; // array dimensions follow the name
      depth++;
    } else if (isClosing(token)) depth--;
    else if (depth === 0 && token.kind === 'word') name = token;
  }
  return name;
}

/** The field names of a struct or union body, in order. */
export function fieldNames(tokens: Token[], aggregate: AggregateDefinition): string[] {
  const names: string[] = [];
  let statement: Token[] = [];
  let depth = 0;
  for (const token of bodyTokens(tokens, aggregate)) {
    if (depth === 0 && isPunct(token, ';')) {
      for (const group of splitAtCommas(statement)) {
        const name = declaratorName(group);
        if (name) names.push(name.text);
      }
      statement = [];
      continue;
    }
    if (isOpening(token)) depth++;
    else if (isClosing(token)) depth--;
    statement.push(token);
  }
  return names;
}

// Words before a name that make it an expression, not a declaration.
const NOT_A_TYPE = new Set(['return', 'sizeof', 'case', 'goto', 'else', 'do', 'typeof', '__typeof__']);
/** What may follow a declared name: `u64 id = …;`, `char buf[16];`, `int a, b;`, a parameter's `)`. */
const AFTER_DECLARED = new Set(['=', ';', ',', ')', '[']);

/**
 * The declared type of `name` at its first mention in `tokens` that reads as a declaration
 * (`const struct x *name =`); undefined when that mention is `return name` or `sizeof name`.
 */
export function declaredTypeIn(tokens: Token[], name: string): string | undefined {
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind !== 'word' || token.text !== name) continue;
    const after = tokens[k + 1];
    if (!after || after.kind !== 'punct' || !AFTER_DECLARED.has(after.text)) continue;
    let j = k - 1;
    const star = isPunct(tokens[j], '*') ? '*' : '';
    if (star) j--;
    const type = tokens[j];
    if (type?.kind !== 'word') continue;
    if (NOT_A_TYPE.has(type.text)) return undefined;
    let written = type.text;
    if (/^(struct|union|enum)$/.test(tokens[j - 1]?.text ?? '') && tokens[j - 1]!.kind === 'word') {
      written = `${tokens[j - 1]!.text} ${written}`;
      if (tokens[j - 2]?.kind === 'word' && tokens[j - 2]!.text === 'const') written = `const ${written}`;
    }
    return `${written}${star}`;
  }
  return undefined;
}

/** A function's parameters and the locals its body declares (`u64 id = …`, `char *p;`), in order. */
export function localNames(tokens: Token[], fn: FunctionDefinition): string[] {
  const names = new Set(fn.parameters.flatMap((p) => (p.name ? [p.name] : [])));
  const body = bodyTokens(tokens, fn);
  for (let k = 1; k < body.length; k++) {
    const token = body[k]!;
    const after = body[k + 1];
    if (token.kind !== 'word' || !after || after.kind !== 'punct' || !['=', ';', ',', '['].includes(after.text)) continue;
    const before = isPunct(body[k - 1], '*') ? body[k - 2] : body[k - 1];
    if (before?.kind === 'word' && !NOT_A_TYPE.has(before.text)) names.add(token.text);
  }
  return [...names];
}

/** The names a function's body calls, in order, each once. */
export function callees(tokens: Token[], fn: FunctionDefinition): string[] {
  const body = bodyTokens(tokens, fn);
  const names = new Set<string>();
  for (let k = 0; k < body.length; k++) {
    const token = body[k]!;
    if (token.kind === 'word' && isPunct(body[k + 1], '(')) names.add(token.text);
  }
  return [...names];
}
