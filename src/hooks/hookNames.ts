// Finds the learner's hook functions, `syscall__probe_entry_<syscall>` and
// `syscall__probe_ret_<syscall>`, in C source. Not a C parser: a small scanner that skips
// comments, string and character literals and preprocessor lines, and balances brackets, which
// is all it takes to find top-level function definitions and their parameter lists.
import { LineIndex } from '../c/cText.js';

export { LineIndex };

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

export interface HookParameter {
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

type TokenKind = 'word' | 'punct' | 'directive';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const isWordChar = (c: string) => /[A-Za-z0-9_$]/.test(c);

/** One past the end of the comment starting at `i` (`//` or `/*`). */
function skipComment(source: string, i: number): number {
  if (source[i + 1] === '/') {
    // A line comment ends at a newline that is not escaped by a backslash.
    let j = i + 2;
    while (j < source.length && !(source[j] === '\n' && source[j - 1] !== '\\')) j++;
    return j;
  }
  const close = source.indexOf('*/', i + 2);
  return close < 0 ? source.length : close + 2;
}

/** One past the closing quote of the string or character literal starting at `i`. */
function skipQuoted(source: string, i: number): number {
  const quote = source[i];
  let j = i + 1;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\') j += 2;
    else if (c === quote || c === '\n') return j + 1;
    else j++;
  }
  return source.length;
}

const startsComment = (source: string, i: number) =>
  source[i] === '/' && (source[i + 1] === '/' || source[i + 1] === '*');

/** One past the end of the preprocessor directive starting at `i`, continuation lines included. */
function skipDirective(source: string, i: number): number {
  let j = i;
  while (j < source.length) {
    const c = source[j]!;
    if (c === '\n') return j;
    if (c === '\\' && source[j + 1] === '\n') j += 2;
    else if (c === '\\' && source[j + 1] === '\r' && source[j + 2] === '\n') j += 3;
    else if (startsComment(source, j)) j = skipComment(source, j);
    else if (c === '"' || c === "'") j = skipQuoted(source, j);
    else j++;
  }
  return j;
}

/** Words, single punctuation characters and whole preprocessor directives; no comments or literals. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let atLineStart = true;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      atLineStart = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (startsComment(source, i)) {
      i = skipComment(source, i);
    } else if (c === '#' && atLineStart) {
      const end = skipDirective(source, i);
      tokens.push({ kind: 'directive', text: source.slice(i, end), start: i, end });
      i = end;
    } else if (c === '"' || c === "'") {
      // Literals matter only as something that is not code; keep them as one opaque token.
      const end = skipQuoted(source, i);
      tokens.push({ kind: 'punct', text: source.slice(i, end), start: i, end });
      atLineStart = false;
      i = end;
    } else if (isWordChar(c)) {
      let end = i + 1;
      while (end < source.length && isWordChar(source[end]!)) end++;
      tokens.push({ kind: 'word', text: source.slice(i, end), start: i, end });
      atLineStart = false;
      i = end;
    } else {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      atLineStart = false;
      i++;
    }
  }
  return tokens;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the token closing the bracket opened at `open`, or tokens.length when unbalanced. */
function matchBracket(tokens: Token[], open: number): number {
  const stack: string[] = [];
  for (let k = open; k < tokens.length; k++) {
    const text = tokens[k]!.text;
    if (tokens[k]!.kind !== 'punct') continue;
    if (OPENERS[text]) stack.push(OPENERS[text]!);
    else if (text === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return k;
    }
  }
  return tokens.length;
}

/** Rebuilds source text from tokens with comments dropped and any gap turned into one space. */
function joinTokens(tokens: Token[]): string {
  let text = '';
  for (let k = 0; k < tokens.length; k++) {
    if (k > 0 && tokens[k]!.start > tokens[k - 1]!.end) text += ' ';
    text += tokens[k]!.text;
  }
  return text;
}

function parseParameter(tokens: Token[], lines: LineIndex): HookParameter | null {
  if (tokens.length === 0) return null;
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  const base = { start: first.start, end: last.end, line: lines.lineOf(first.start) };
  // `char buf[]` or `char buf[16]`: the name precedes the brackets and the parameter is a pointer.
  let nameAt = tokens.length - 1;
  let isArray = false;
  if (last.text === ']') {
    const open = tokens.findIndex((t) => t.text === '[');
    nameAt = open - 1;
    isArray = true;
  }
  const nameToken = tokens[nameAt];
  const typeTokens = tokens.slice(0, Math.max(nameAt, 0));
  const named =
    nameToken !== undefined &&
    nameToken.kind === 'word' &&
    !isTypeWord(nameToken.text) &&
    typeTokens.length > 0 &&
    !(typeTokens.length === 1 && /^(struct|union|enum)$/.test(typeTokens[0]!.text));
  if (!named) return { ...base, type: joinTokens(tokens), name: null };
  return { ...base, type: joinTokens(typeTokens) + (isArray ? ' *' : ''), name: nameToken.text };
}

// Words that can end a type, so a parameter ending in one of them has no name (`int`, `char *`).
const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool',
  'const', 'volatile', 'restrict', '__restrict',
]);
const isTypeWord = (word: string) => TYPE_WORDS.has(word);

function parseParameters(tokens: Token[], lines: LineIndex): HookParameter[] {
  const groups: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && OPENERS[token.text]) depth++;
    else if (token.kind === 'punct' && (token.text === ')' || token.text === ']' || token.text === '}')) depth--;
    if (depth === 0 && token.text === ',') groups.push([]);
    else groups[groups.length - 1]!.push(token);
  }
  const parameters = groups.map((group) => parseParameter(group, lines));
  // `()` and `(void)` both mean no parameters.
  if (parameters.length === 1 && (parameters[0] === null || (parameters[0].name === null && parameters[0].type === 'void'))) {
    return [];
  }
  // An empty slot (`int a, , int b`) is not C; keep its position so later parameters keep theirs.
  return parameters.map((p) => p ?? { type: '', name: null, start: 0, end: 0, line: 0 });
}

/** Index of the first token of the declaration containing token `at` (top level only). */
function declarationStart(tokens: Token[], at: number): number {
  let k = at;
  while (k > 0) {
    const previous = tokens[k - 1]!;
    if (previous.kind === 'directive' || previous.text === ';' || previous.text === '}' || previous.text === '{') break;
    k--;
  }
  return k;
}

/** The hook function definitions in `source`, in order. Prototypes and calls are not definitions. */
export function findHookDefinitions(source: string): HookDefinition[] {
  const tokens = tokenize(source);
  const lines = new LineIndex(source);
  const hooks: HookDefinition[] = [];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === 'punct') {
      if (OPENERS[token.text]) depth++;
      else if (token.text === ')' || token.text === ']' || token.text === '}') depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth !== 0 || token.kind !== 'word') continue;
    const parsed = parseHookName(token.text);
    if (!parsed || tokens[k + 1]?.text !== '(') continue;
    const close = matchBracket(tokens, k + 1);
    // After the parameter list, attributes may come before the body.
    let next = close + 1;
    while (tokens[next]?.kind === 'word' && tokens[next + 1]?.text === '(') next = matchBracket(tokens, next + 1) + 1;
    while (tokens[next]?.kind === 'word' && /^(const|__\w+)$/.test(tokens[next]!.text)) next++;
    if (tokens[next]?.text !== '{') continue;
    const bodyEndToken = matchBracket(tokens, next);
    const startToken = tokens[declarationStart(tokens, k)]!;
    const end = bodyEndToken < tokens.length ? tokens[bodyEndToken]!.end : source.length;
    hooks.push({
      name: token.text,
      kind: parsed.kind,
      syscall: parsed.syscall,
      start: startToken.start,
      startLine: lines.lineOf(startToken.start),
      nameOffset: token.start,
      nameLine: lines.lineOf(token.start),
      parameters: parseParameters(tokens.slice(k + 2, close), lines),
      bodyOpen: tokens[next]!.start,
      bodyLine: lines.lineOf(tokens[next]!.start),
      end,
      endLine: lines.lineOf(Math.max(end - 1, 0)),
    });
    // Continue after the body; the outer loop's depth stays at 0.
    k = bodyEndToken;
  }
  return hooks;
}
