import t from 'tap';
import { breakCode, inlineSpans, lineText, parseBlocks, renderMarkdown, wrapSpans } from '../../src/app/markdown.js';
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

t.test('command-line-only text is left out of the app: no `check` command in the instructions it shows', async (t) => {
  t.same(renderMarkdown('before\n\n<!-- cli -->\nrun `check` by hand\n<!-- /cli -->\n\nafter', 40).map(lineText), ['before', '', 'after']);
  for (const level of loadTrack().levels) {
    const shown = renderMarkdown(instructionsText(level), 100).map(lineText).join('\n');
    t.notMatch(shown, /ebpf-workshop check/, `level ${level.id}: the app checks on every save; it does not send the learner to a shell`);
    t.match(shown, /Save your file/, `level ${level.id}: says the app checks on save`);
  }
});

t.test('code blocks break between tokens, never inside one', async (t) => {
  const code = '  int syscall__probe_entry_accept4(struct pt_regs* ctx, int sockfd, struct sockaddr* addr, size_t* addrlen, int flags) {';
  for (const width of [30, 40, 56, 80]) {
    const pieces = breakCode(code, width);
    t.ok(pieces.every((p) => p.length <= width), `at ${width}: every piece fits`);
    const tokens = (s: string) => s.match(/[A-Za-z_0-9]+|->|\S/g) ?? [];
    t.same(pieces.flatMap(tokens), tokens(code), `at ${width}: the same tokens, none split`);
  }
  t.same(breakCode('    bpf_probe_read(&event.msg, event.msg_size, args->buf);', 40), ['    bpf_probe_read(&event.msg,', '        event.msg_size, args->buf);']);
});
