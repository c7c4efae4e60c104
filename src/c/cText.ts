// Reading C source text: not a parser, just enough to find top-level definitions without
// being fooled by comments or string literals. Shared by the layout probes and the
// diagnosis of learners' mistakes.

/**
 * Comments and the insides of string and character literals: a line comment, a block comment
 * (to the end if unclosed), or a literal to its closing quote or the end of its line (an
 * escape may continue it onto the next).
 */
const COMMENT_OR_LITERAL = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"((?:[^"\\\n]|\\[\s\S])*)("?)|'((?:[^'\\\n]|\\[\s\S])*)('?)/g;

const blanked = (part: string) => part.replace(/[^\n]/g, ' ');

/** Comments, string and character literals become spaces; newlines stay, so offsets and lines hold. */
export function blankCommentsAndLiterals(text: string): string {
  // Regular expressions, not a loop over characters: this runs on every compile, often
  // before the JIT has warmed up, where a character loop costs milliseconds.
  return text.replace(COMMENT_OR_LITERAL, (token, string?: string, stringEnd?: string, char?: string, charEnd?: string) => {
    if (string !== undefined) return `"${blanked(string)}${stringEnd}`; // the quotes stay: still one token
    if (char !== undefined) return `'${blanked(char)}${charEnd}`;
    return blanked(token);
  });
}

export interface TopLevelAggregate {
  keyword: 'struct' | 'union' | 'enum';
  name: string;
  /** The text between its braces (to the end if unclosed), comments and literals blanked. */
  body: string;
}

/** `struct x {`, `union y {` and `enum z {` defined at file scope, in order, once each. */
export function topLevelAggregates(source: string): TopLevelAggregate[] {
  const text = blankCommentsAndLiterals(source);
  const found: TopLevelAggregate[] = [];
  const seen = new Set<string>();
  // One pass over the braces and the definitions, which end with their own `{`.
  const pattern = /\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{|[{}]/g;
  let depth = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m[0] === '}') {
      depth--;
      continue;
    }
    if (m[1] && depth === 0 && !seen.has(`${m[1]} ${m[2]}`)) {
      seen.add(`${m[1]} ${m[2]}`);
      const open = m.index + m[0].length - 1;
      found.push({ keyword: m[1] as TopLevelAggregate['keyword'], name: m[2]!, body: text.slice(open + 1, matchingBrace(text, open)) });
    }
    depth++;
  }
  return found;
}

/** The offset of the `}` that closes the `{` at `open`, or the text's length if none does. */
function matchingBrace(text: string, open: number): number {
  const braces = /[{}]/g;
  braces.lastIndex = open;
  let depth = 0;
  for (let m = braces.exec(text); m; m = braces.exec(text)) {
    if (m[0] === '{') depth++;
    else if (--depth === 0) return m.index;
  }
  return text.length;
}

/** Maps offsets to 1-based line numbers, and line numbers to where they start. */
export class LineIndex {
  /** Offset of each line's first character; starts[0] is line 1. */
  readonly starts: number[] = [0];

  constructor(source: string) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
