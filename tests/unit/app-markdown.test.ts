import t from 'tap';
import { inlineSpans, lineText, parseBlocks, renderMarkdown, wrapSpans } from '../../src/app/markdown.js';
import { instructionsText, loadTrack } from '../../src/tracks/tracks.js';

t.test('blocks: headings, paragraphs joined, list items with continuations, fences, tables', async (t) => {
  const md = [
    '# Title',
    '',
    'One line',
    'and the next.',
    '',
    '- first item',
    '  runs on',
    '- second',
    '',
    '```c',
    'int x;',
    '',
    '  indented();',
    '```',
    '',
    '| a | b |',
    '| - | - |',
    '| 1 | 2 |',
  ].join('\n');
  t.same(parseBlocks(md), [
    { type: 'heading', depth: 1, text: 'Title' },
    { type: 'paragraph', text: 'One line and the next.' },
    { type: 'item', marker: '•', text: 'first item runs on' },
    { type: 'item', marker: '•', text: 'second' },
    { type: 'code', lines: ['int x;', '', '  indented();'] },
    { type: 'table', rows: ['| a | b |', '| - | - |', '| 1 | 2 |'] },
  ]);
});

t.test('inline code and bold become their own spans', async (t) => {
  t.same(inlineSpans('call `read` and **stop** here'), [
    { text: 'call ', kind: 'text' },
    { text: 'read', kind: 'code' },
    { text: ' and ', kind: 'text' },
    { text: 'stop', kind: 'strong' },
    { text: ' here', kind: 'text' },
  ]);
});

t.test('wrapping keeps words whole, indents continuations, cuts a word longer than a line', async (t) => {
  const lines = wrapSpans([{ text: '• alpha beta gamma delta', kind: 'text' }], 12, '  ');
  t.same(lines.map(lineText), ['• alpha beta', '  gamma', '  delta']);
  const long = wrapSpans([{ text: 'abcdefghijklmnop', kind: 'text' }], 5);
  t.same(long.map(lineText), ['abcde', 'fghij', 'klmno', 'p']);
});

t.test('every level\'s instructions render within the width, code kept verbatim', async (t) => {
  for (const level of loadTrack('http').levels) {
    const md = instructionsText(level);
    for (const width of [36, 60, 100]) {
      const lines = renderMarkdown(md, width);
      t.ok(lines.length > 10, `level ${level.id} at ${width}: has content`);
      const over = lines.filter((l) => lineText(l).length > width);
      t.same(over.map(lineText), [], `level ${level.id} at ${width}: no line wider than the view`);
    }
    const wide = renderMarkdown(md, 200).map(lineText);
    t.ok(wide.some((l) => l.includes('syscall__probe_')), `level ${level.id}: the hook code is shown`);
    t.notOk(wide.some((l) => l.includes('```')), `level ${level.id}: no fence markers left`);
  }
});

t.test('a table lines its columns up', async (t) => {
  const lines = renderMarkdown('| call | what |\n| --- | --- |\n| `read` | reads |\n| `accept4` | takes |', 80).map(lineText);
  t.same(lines, ['call     what', 'read     reads', 'accept4  takes']);
});
