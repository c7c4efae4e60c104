// Reading C source text: not a parser, just enough to find top-level definitions without
// being fooled by comments or string literals. Shared by the layout probes and the
// diagnosis of learners' mistakes.

/** Comments, string and character literals become spaces; newlines stay, so offsets and lines hold. */
export function blankCommentsAndLiterals(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < text.length && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      // Keep the quotes so the literal still reads as one token.
      blank(i + 1, Math.min(k, text.length));
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

export interface TopLevelAggregate {
  keyword: 'struct' | 'union' | 'enum';
  name: string;
}

/** `struct x {`, `union y {` and `enum z {` defined at file scope, in order, once each. */
export function topLevelAggregates(source: string): TopLevelAggregate[] {
  const text = blankCommentsAndLiterals(source);
  const found: TopLevelAggregate[] = [];
  const seen = new Set<string>();
  const pattern = /\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/g;
  let depth = 0;
  let scanned = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    for (; scanned < m.index; scanned++) {
      if (text[scanned] === '{') depth++;
      else if (text[scanned] === '}') depth--;
    }
    const key = `${m[1]} ${m[2]}`;
    if (depth === 0 && !seen.has(key)) {
      seen.add(key);
      found.push({ keyword: m[1] as TopLevelAggregate['keyword'], name: m[2]! });
    }
  }
  return found;
}

/** Maps offsets to 1-based line numbers, and line numbers to where they start. */
export class LineIndex {
  /** Offset of each line's first character; starts[0] is line 1. */
  readonly starts: number[] = [0];

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
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
