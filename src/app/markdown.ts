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

export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
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
  const lines: Line[] = [];
  let line: Line = [];
  let used = 0;
  const push = (text: string, kind: SpanKind) => {
    const previous = line[line.length - 1];
    if (previous && previous.kind === kind) previous.text += text;
    else line.push({ text, kind });
    used += text.length;
  };
  const newLine = () => {
    lines.push(line);
    line = indent ? [{ text: indent, kind: 'text' }] : [];
    used = indent.length;
  };
  for (const span of spans) {
    // Words keep their trailing space; a word longer than a line is cut.
    for (const word of span.text.match(/\S+\s*|\s+/g) ?? []) {
      let rest = word;
      while (rest.length > 0) {
        const visible = rest.trimEnd().length;
        if (used + visible <= width) {
          push(rest.slice(0, Math.max(0, Math.min(rest.length, width - used))), span.kind);
          rest = '';
        } else if (used > indent.length) {
          newLine();
          rest = rest.trimStart();
        } else {
          const room = Math.max(1, width - used);
          push(rest.slice(0, room), span.kind);
          rest = rest.slice(room);
          if (rest) newLine();
        }
      }
    }
  }
  if (line.length > 0 && !(line.length === 1 && line[0]!.text === indent && indent)) lines.push(line);
  return lines.map(trimLineEnd);
}

function trimLineEnd(line: Line): Line {
  const last = line[line.length - 1];
  if (last) last.text = last.text.trimEnd();
  return line.filter((s) => s.text.length > 0);
}

/** A code line longer than the view, cut; the pieces after the first are indented. */
function cut(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const parts = [text.slice(0, width)];
  const rest = Math.max(1, width - 4);
  for (let at = width; at < text.length; at += rest) parts.push(`    ${text.slice(at, at + rest)}`);
  return parts;
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
          for (const part of cut(expanded, w)) out.push([{ text: part, kind: 'codeBlock' }]);
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
