// One key table feeds the key bar, the help, plain mode and the input handler.
import t from 'tap';
import { barKeys, keyTable, matchKey, matchPlain, plainCommands } from '../../src/app/keys.js';
import { helpLines } from '../../src/app/helpText.js';
import type { WorkshopControls } from '../../src/app/controls.js';

const table = keyTable(5);

function recorder() {
  const calls: string[] = [];
  const session = {
    setLevel: (id: number) => calls.push(`level ${id}`),
    nextLevel: () => calls.push('next'),
    revealHint: () => calls.push('hint'),
    resetLevel: () => calls.push('reset'),
    traffic: { sendOne: async () => void calls.push('request'), toggleAuto: () => calls.push('auto'), resize: (step: number) => calls.push(`size ${step}`) },
  } as unknown as WorkshopControls;
  return { calls, session };
}

t.test('a press finds its binding in the view it works in', async (t) => {
  t.equal(matchKey(table, 'main', 'r', {})?.binding.id, 'request');
  t.equal(matchKey(table, 'main', '', { leftArrow: true })?.press, 'leftArrow');
  t.equal(matchKey(table, 'main', 'c', { ctrl: true })?.binding.id, 'quit', 'Ctrl-C quits');
  t.equal(matchKey(table, 'main', '', { tab: true })?.binding.id, 'focus');
  t.equal(matchKey(table, 'main', '\r', { return: true })?.binding.id, 'open');
  t.equal(matchKey(table, 'reading', 'r', {}), null, 'no traffic keys in a reading view');
  t.equal(matchKey(table, 'reading', '', { downArrow: true })?.binding.id, 'scroll', 'arrows scroll a reading view');
  t.equal(matchKey(table, 'main', '7', {}), null, 'no level 7 in a track of five');
});

t.test('the actions reach the session, the same from a key and from a plain-mode line', async (t) => {
  const { calls, session } = recorder();
  for (const [input, key] of [['r', {}], ['a', {}], ['+', {}], ['-', {}], ['3', {}], ['', { rightArrow: true }], ['h', {}], ['n', {}]] as const) {
    const found = matchKey(table, 'main', input, key)!;
    found.binding.run?.({ session, level: 2, input: found.press });
  }
  t.same(calls, ['request', 'auto', 'size 1', 'size -1', 'level 3', 'level 3', 'hint', 'next']);
  const plain = recorder();
  for (const line of ['r', 'a', '+', '-', '3', 'h', 'n']) matchPlain(table, line)!.run?.({ session: plain.session, level: 2, input: line });
  t.same(plain.calls, ['request', 'auto', 'size 1', 'size -1', 'level 3', 'hint', 'next']);
  t.equal(matchPlain(table, 'q')?.id, 'quit');
  t.equal(matchPlain(keyTable(12), '11')?.id, 'levelNumber', 'plain mode reaches two-digit levels');
});

t.test('reset and the solution ask first; the bar, the help and plain mode come from the same table', async (t) => {
  t.match(table.find((b) => b.id === 'reset')!.confirm!({ level: 2, file: 'clean.c' }), /Reset clean\.c to the start of level 2\?/);
  t.ok(table.find((b) => b.id === 'solution')!.confirm);
  t.same(barKeys(table, 'main', false).map((k) => k.key).slice(0, 2), ['r', 'a'], 'n only once the level is passed');
  t.equal(barKeys(table, 'main', true)[0]!.key, 'n');
  t.same(barKeys(table, 'reading').map((k) => k.key), ['↑/↓ PgUp/PgDn', '?', 'Esc', 'q']);
  const help = helpLines(table, 100).map((l) => l.map((s) => s.text).join(''));
  for (const binding of table.filter((b) => b.help)) t.ok(help.some((l) => l.startsWith(binding.key)), `help lists ${binding.key}`);
  t.ok(help.some((l) => l.startsWith('0–4')), 'the level range from the track');
  t.equal(plainCommands(table), 'commands: n next level, r request, a auto, + / - size, 0-4 level, h hint, q quit (then Enter)');
});
