// Small, careful scanning of C source text: not a parser, just enough to find top-level
// definitions without being fooled by comments or string literals.

/** The source with comments and string/char literals blanked (same length, newlines kept). */
export function blankCommentsAndStrings(source: string): string {
  let out = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') (out += ' '), i++;
    } else if (c === '/' && next === '*') {
      out += '  ';
      i += 2;
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) (out += source[i] === '\n' ? '\n' : ' '), i++;
      if (i < n) (out += '  '), (i += 2);
    } else if (c === '"' || c === "'") {
      out += c;
      i++;
      while (i < n && source[i] !== c && source[i] !== '\n') {
        if (source[i] === '\\') (out += ' '), i++;
        if (i < n) (out += ' '), i++;
      }
      if (i < n) (out += source[i]), i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export interface TopLevelAggregate {
  keyword: 'struct' | 'union' | 'enum';
  name: string;
}

/** `struct x {`, `union y {` and `enum z {` defined at file scope, in order, once each. */
export function topLevelAggregates(source: string): TopLevelAggregate[] {
  const text = blankCommentsAndStrings(source);
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
