// Who gets the rows: the instructions take what the capture does not use; a diagnosis and
// its hint are never cut; the expected capture stays on screen while the file fails.
import t from 'tap';
import { fail } from '../../src/report/checkReport.js';
import { diagnosticLines } from '../../src/app/diagnosticLines.js';
import { workshopLayout } from '../../src/app/layout.js';
import { levelListLines } from '../../src/app/components/LevelList.js';
import { loadTrack } from '../../src/tracks/tracks.js';

const text = (line: Array<{ text: string }>) => line.map((s) => s.text).join('');

t.test('at 120×40 the instructions get at least 20 lines, with the capture full', async (t) => {
  const full = workshopLayout(120, 40, { mainWanted: 100 });
  t.ok(full.top - 3 >= 20, `${full.top - 3} instruction lines`);
  const idle = workshopLayout(120, 40, { mainWanted: 3 });
  t.ok(idle.top > full.top, 'an idle capture leaves its rows to the instructions');
  const focused = workshopLayout(120, 40, { mainWanted: 100, focus: 'capture' });
  t.ok(focused.main > full.main, 'Tab gives the capture the room');
  for (const [columns, rows] of [[80, 24], [120, 40], [200, 60]] as const) {
    const layout = workshopLayout(columns, rows, { mainWanted: 100, footer: 2 });
    t.equal(layout.top + layout.main + 4 + layout.footer, layout.height, `${columns}×${rows}: every row accounted for`);
    t.ok(layout.top - 3 >= 4, `${columns}×${rows}: some instructions always show`);
  }
});

t.test('level titles are never cut: they wrap, or only numbers show', async (t) => {
  const { levels } = loadTrack();
  for (const width of [20, 26, 30]) {
    const lines = levelListLines(levels, 1, [0], width);
    t.ok(lines.every((l) => l.text.length <= width), `at ${width}: fits`);
    const joined = levels.map((level) => lines.filter((l) => l.id === level.id).map((l) => l.text.trim()).join(' '));
    levels.forEach((level, i) => t.match(joined[i], level.title, `at ${width}: "${level.title}" whole`));
  }
});

t.test('a diagnosis and its hint wrap whole; code shrinks first, then the other failures are counted', async (t) => {
  const message = 'The verifier rejected syscall__probe_ret_accept4: line 82 uses a value from active_accept_args_map.lookup() (`accept_args`, line 104) without checking it for NULL first.';
  const hint = 'Wrap the code that uses it in `if (accept_args != NULL) { ... }`: lookup() gives NULL when the key is not in the map.';
  const source = Array.from({ length: 120 }, (_, i) => `  line_${i + 1}(with, some, arguments, that, make, it, quite, long, indeed, for, a, narrow, column);`).join('\n');
  const checks = [fail('verifier', 'v', message, { code: 'VERIFIER_NULL_CHECK', hint, location: { file: 'clean.c', line: 82, column: null } }), fail('x', 'x', 'another problem', { code: 'COMPILE_FAILED' })];
  for (const width of [38, 58, 80]) {
    const all = diagnosticLines({ checks, problem: null, source }, width);
    const lines = all.lines.map(text);
    t.ok(lines.every((l) => l.length <= width), `at ${width}: no line wider`);
    t.notOk(lines.some((l) => l.endsWith('…')), `at ${width}: nothing cut`);
    const flat = lines.join(' ').replace(/\s+/g, ' ');
    t.ok(flat.includes(message.replace(/\s+/g, ' ')), `at ${width}: the message whole`);
    t.ok(flat.includes(hint), `at ${width}: the hint whole`);
    const tight = diagnosticLines({ checks, problem: null, source }, width, all.essential + 1).lines.map(text);
    t.ok(tight.join(' ').replace(/\s+/g, ' ').includes(hint), `at ${width}, with only the essential rows: the hint still whole`);
    t.notOk(tight.some((l) => l.includes('line_82')), 'the code gave way first');
  }
});
