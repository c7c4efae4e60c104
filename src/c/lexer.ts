// The C reader's first step: C text into tokens. Not a preprocessor and not a parser: words,
// numbers, punctuation, string and character literals, comments, and whole preprocessor
// directives (`#` at the start of a line, to the end of its last continued line), each with
// its offsets. Every other part of the reader (definitions, declarations, the blanked text)
// is built on these tokens, so comments and literals are recognised in one place only.
//
// One sticky regular expression, one match per token: linear in the text's length whatever
// it holds (a 200 000-character identifier is one match), and fast before the JIT has warmed
// up, where a loop over characters costs milliseconds on every compile.

export type TokenKind = 'word' | 'number' | 'punct' | 'string' | 'char' | 'comment' | 'directive';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets of the first character and one past the last. */
  start: number;
  end: number;
}

const LINE_COMMENT = String.raw`\/\/(?:[^\n\\]|\\[\s\S])*`; // a `\` before the newline continues it
const BLOCK_COMMENT = String.raw`\/\*[\s\S]*?(?:\*\/|$)`; // unclosed: to the end
const STRING = String.raw`"(?:[^"\\\n]|\\[\s\S])*"?`; // unclosed: to the end of its line
const CHAR = String.raw`'(?:[^'\\\n]|\\[\s\S])*'?`;
/** A directive's text: anything but a newline, where a `\` newline continues it and comments and literals are skipped whole. */
const DIRECTIVE = String.raw`#(?:[^\n\\/"']|\\\r?\n|\\[^\n]|${BLOCK_COMMENT}|${LINE_COMMENT}|\/(?![/*])|${STRING}|${CHAR})*`;

// Groups: 1 blanks, 2 newline, 3 line comment, 4 block comment, 5 string, 6 char, 7 word,
// 8 number; anything else is one character of punctuation.
const TOKEN = new RegExp(
  String.raw`([ \t\r\f\v]+)|(\n)|(${LINE_COMMENT})|(${BLOCK_COMMENT})|(${STRING})|(${CHAR})|([A-Za-z_$][\w$]*)|(\.?\d(?:[eEpP][+-]|[\w.$])*)|[\s\S]`,
  'y',
);
const DIRECTIVE_AT = new RegExp(DIRECTIVE, 'y');
const KINDS: TokenKind[] = ['comment', 'comment', 'string', 'char', 'word', 'number'];

/**
 * The tokens of `text`, comments included, in order. A `#` opens a directive only at the
 * start of a line (after blanks); elsewhere it is punctuation. With `directives: false`
 * (the inside of a directive) every `#` is punctuation.
 */
export function tokenize(text: string, options: { directives?: boolean } = {}): Token[] {
  const directives = options.directives !== false;
  const tokens: Token[] = [];
  let atLineStart = true;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const start = m.index;
    if (m[1] !== undefined) continue;
    if (m[2] !== undefined) {
      atLineStart = true;
      continue;
    }
    const group = [3, 4, 5, 6, 7, 8].findIndex((g) => m[g] !== undefined);
    let kind: TokenKind = group < 0 ? 'punct' : KINDS[group]!;
    let end = TOKEN.lastIndex;
    if (m[0] === '#' && directives && atLineStart) {
      DIRECTIVE_AT.lastIndex = start;
      DIRECTIVE_AT.exec(text);
      kind = 'directive';
      end = DIRECTIVE_AT.lastIndex;
      TOKEN.lastIndex = end;
    }
    tokens.push({ kind, text: text.slice(start, end), start, end });
    if (kind !== 'comment') atLineStart = false;
  }
  return tokens;
}

const blank = (part: string) => part.replace(/[^\n]/g, ' ');

/**
 * The text with comments and the insides of string and character literals turned into
 * spaces (a literal keeps its quotes: still one token); newlines stay, so every offset and
 * line of the result is the same as the text's.
 */
export function blankedText(text: string, tokens: Token[] = tokenize(text)): string {
  const parts: string[] = [];
  let at = 0;
  for (const token of tokens) {
    const replacement = blankToken(token);
    if (replacement === undefined) continue;
    parts.push(text.slice(at, token.start), replacement);
    at = token.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function blankToken(token: Token): string | undefined {
  switch (token.kind) {
    case 'comment':
      return blank(token.text);
    case 'string':
    case 'char': {
      const quote = token.text[0]!;
      const inside = token.text.slice(1);
      // Closed when it ends in a quote that no backslash escapes.
      let trailing = 0;
      while (inside[inside.length - 2 - trailing] === '\\') trailing++;
      const closed = inside.length > 0 && inside.endsWith(quote) && trailing % 2 === 0;
      return `${quote}${blank(closed ? inside.slice(0, -1) : inside)}${closed ? quote : ''}`;
    }
    case 'directive':
      // Its comments and literals too: `#define X "{"` holds no brace of code.
      return /["'/]/.test(token.text) ? blankedText(token.text, tokenize(token.text, { directives: false })) : undefined;
    default:
      return undefined;
  }
}

/** Comments, string and character literals become spaces; newlines stay, so offsets and lines hold. */
export function blankCommentsAndLiterals(text: string): string {
  return blankedText(text);
}
