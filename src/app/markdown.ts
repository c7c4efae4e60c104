// A renderer for the Markdown the level instructions use — headings, paragraphs, lists,
// fenced code, tables, `inline code` and **bold** — laid out into lines of styled spans at
// a given width. Lines (not a flowing text) are what a scrollable view needs: the view
// shows lines [top, top + height).

export type SpanKind = 'text' | 'strong' | 'code' | 'heading' | 'codeBlock' | 'marker';

export interface Span {
  text: string;
  kind: SpanKind;
}

export type Line = Span[];

type Block =
  | { type: 'heading'; depth: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'item'; marker: string; text: string }
  | { type: 'code'; lines: string[] }
  | { type: 'table'; rows: string[] };

const FENCE = /^\s*```/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const ITEM = /^(\s*)([-*+]|\d+\.)\s+(.*)$/;

/**
 * Text between `<!-- cli -->` and `<!-- /cli -->` is for readers at the command line (how to
 * run `check` by hand); the app checks on every save, so it leaves that text out. Other
 * HTML comments are left out too.
 */
export function appText(markdown: string): string {
  return markdown.replace(/<!--\s*cli\s*-->[\s\S]*?<!--\s*\/cli\s*-->\n?/g, '').replace(/<!--[\s\S]*?-->\n?/g, '');
}

export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = appText(markdown).replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (FENCE.test(line)) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i]!)) code.push(lines[i++]!);
      i++; // the closing fence (or the end of the text)
      blocks.push({ type: 'code', lines: code });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', depth: heading[1]!.length, text: heading[2]!.trim() });
      i++;
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) rows.push(lines[i++]!.trim());
      blocks.push({ type: 'table', rows });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      // An item runs on over its indented continuation lines.
      const parts = [item[3]!];
      i++;
      while (i < lines.length && /^\s+\S/.test(lines[i]!) && !ITEM.test(lines[i]!) && !FENCE.test(lines[i]!)) parts.push(lines[i++]!.trim());
      blocks.push({ type: 'item', marker: /\d/.test(item[2]!) ? item[2]! : '•', text: parts.join(' ') });
      continue;
    }
    const parts: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !FENCE.test(lines[i]!) && !HEADING.test(lines[i]!) && !ITEM.test(lines[i]!) && !lines[i]!.trimStart().startsWith('|')) {
      parts.push(lines[i++]!.trim());
    }
    blocks.push({ type: 'paragraph', text: parts.join(' ') });
  }
  return blocks;
}

/** `code` and **bold** inside a line of prose. */
export function inlineSpans(text: string, base: SpanKind = 'text'): Span[] {
  const spans: Span[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) spans.push({ text: text.slice(last, m.index), kind: base });
    spans.push(m[1] !== undefined ? { text: m[1], kind: 'code' } : { text: m[2]!, kind: base === 'heading' ? 'heading' : 'strong' });
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last), kind: base });
  return spans;
}

/** Word-wraps spans to `width` columns; `indent` starts every line after the first. */
export function wrapSpans(spans: Span[], width: number, indent = ''): Line[] {
  return wrapPieces(spans, width, indent ? { text: indent, kind: 'text' } : null);
}

/** Two pieces of a line that differ only in their text (so they can be joined). */
function alike(a: { text: string }, b: { text: string }): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('text');
  return [...keys].every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/**
 * Word-wraps styled pieces of text (markdown spans, coloured segments) to `width` columns,
 * each piece keeping its style; `indent` starts every line after the first. A word longer
 * than a line is cut.
 */
export function wrapPieces<T extends { text: string }>(pieces: T[], width: number, indent: T | null = null): T[][] {
  const lines: T[][] = [];
  const margin = indent?.text.length ?? 0;
  let line: T[] = [];
  let used = 0;
  const push = (text: string, piece: T) => {
    const previous = line[line.length - 1];
    if (previous && alike(previous, piece)) previous.text += text;
    else line.push({ ...piece, text });
    used += text.length;
  };
  const newLine = () => {
    lines.push(line);
    line = indent ? [{ ...indent }] : [];
    used = margin;
  };
  for (const piece of pieces) {
    for (const word of piece.text.match(/\S+\s*|\s+/g) ?? []) {
      let rest = word;
      while (rest.length > 0) {
        const visible = rest.trimEnd().length;
        if (used + visible <= width) {
          push(rest.slice(0, Math.max(0, Math.min(rest.length, width - used))), piece);
          rest = '';
        } else if (used > margin) {
          newLine();
          rest = rest.trimStart();
        } else {
          const room = Math.max(1, width - used);
          push(rest.slice(0, room), piece);
          rest = rest.slice(room);
          if (rest) newLine();
        }
      }
    }
  }
  if (line.length > 0 && !(indent && line.length === 1 && line[0]!.text === indent.text)) lines.push(line);
  return lines.map(trimLineEnd);
}

function trimLineEnd<T extends { text: string }>(line: T[]): T[] {
  const last = line[line.length - 1];
  if (last) last.text = last.text.trimEnd();
  return line.filter((s) => s.text.length > 0);
}

/** C tokens (a word, a number, a literal, a two-character operator), spaces, or any one character. */
const CODE_TOKEN = /\s+|[A-Za-z_0-9]+|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||::|./g;

/**
 * A code line longer than the view, broken between tokens — at a space where one fits, else
 * between two tokens, inside a token only when it alone is wider than the view. The pieces
 * after the first are indented deeper than the line itself.
 */
export function breakCode(source: string, width: number): string[] {
  let text = source;
  if (text.length <= width) return [text];
  // Indentation deeper than half the view (a continued argument list) shifts left.
  if (/^\s*/.exec(text)![0].length > width / 2) text = ' '.repeat(Math.floor(width / 4)) + text.trimStart();
  if (text.length <= width) return [text];
  const lead = /^\s*/.exec(text)![0];
  const indent = lead.length + 4 <= width / 2 ? `${lead}    ` : ' '.repeat(Math.min(4, Math.floor(width / 4)));
  const parts: string[] = [];
  let line: string[] = [];
  const length = (tokens: string[]) => tokens.join('').length;
  const flush = (tokens: string[]) => {
    parts.push(tokens.join('').trimEnd());
    line = [indent];
  };
  for (const token of text.match(CODE_TOKEN) ?? []) {
    if (length(line) + token.trimEnd().length <= width) {
      line.push(token);
      continue;
    }
    if (/^\s+$/.test(token)) {
      flush(line); // the break takes the place of the space
      continue;
    }
    // Break at the line's last space (after its indentation) if there is one.
    let space = line.length - 1;
    while (space > 0 && !/^\s+$/.test(line[space]!)) space--;
    if (space > 0) {
      const carried = line.slice(space + 1);
      flush(line.slice(0, space));
      line.push(...carried);
    } else if (line.join('').trim() !== '') flush(line);
    if (length(line) + token.length > width && line.length > 1) flush(line);
    // A token that fits the view but not after the indentation goes without it.
    if (length(line) + token.length > width && token.length <= width) line = [];
    let rest = token;
    while (length(line) + rest.length > width) {
      const room = Math.max(1, width - length(line));
      flush([...line, rest.slice(0, room)]);
      rest = rest.slice(room);
    }
    line.push(rest);
  }
  if (line.join('').trim() !== '') parts.push(line.join('').trimEnd());
  return parts;
}

/** Plain text word-wrapped to `width` columns; `indent` starts every line after the first. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  return text.split('\n').flatMap((paragraph) => {
    const lines = wrapSpans([{ text: paragraph, kind: 'text' }], Math.max(indent.length + 4, width), indent).map(lineText);
    return lines.length ? lines : [''];
  });
}

/** The whole document as lines no wider than `width`. */
export function renderMarkdown(markdown: string, width: number): Line[] {
  const w = Math.max(10, width);
  const out: Line[] = [];
  const blank = () => {
    if (out.length > 0 && out[out.length - 1]!.length > 0) out.push([]);
  };
  for (const block of parseBlocks(markdown)) {
    switch (block.type) {
      case 'heading':
        blank();
        out.push(...wrapSpans(inlineSpans(block.text, 'heading'), w));
        if (block.depth === 1) out.push([{ text: '─'.repeat(Math.min(w, block.text.length)), kind: 'heading' }]);
        break;
      case 'paragraph':
        blank();
        out.push(...wrapSpans(inlineSpans(block.text), w));
        break;
      case 'item': {
        const marker = `${block.marker} `;
        const wrapped = wrapSpans([{ text: marker, kind: 'marker' }, ...inlineSpans(block.text)], w, ' '.repeat(marker.length));
        out.push(...wrapped);
        break;
      }
      case 'code':
        blank();
        for (const line of block.lines) {
          const expanded = `  ${line.replace(/\t/g, '  ')}`;
          for (const part of breakCode(expanded, w)) out.push([{ text: part, kind: 'codeBlock' }]);
        }
        break;
      case 'table':
        blank();
        out.push(...tableLines(block.rows, w));
        break;
    }
  }
  return out;
}

/** A table with its columns padded to line up; rows that do not fit are wrapped. */
function tableLines(rows: string[], width: number): Line[] {
  const cells = rows
    .filter((row) => !/^\|[\s|:-]+\|$/.test(row)) // the separator row
    .map((row) => row.replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/`/g, '')));
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return cells.flatMap((row, r) => {
    const text = row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    return wrapSpans([{ text, kind: r === 0 ? 'strong' : 'text' }], width, '  ');
  });
}

/** The plain text of a line (for tests and the line-by-line mode). */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}
