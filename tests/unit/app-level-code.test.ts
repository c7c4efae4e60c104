import t from 'tap';
import { addedHunks, levelAddedCode as addedCode } from '../../src/app/levelCode.js';
import { loadTrack } from '../../src/tracks/tracks.js';

const levelAddedCode = (level: number) => addedCode(loadTrack('http'), level);

t.test('added hunks: only what is new, blank edges trimmed', async (t) => {
  const before = 'a\nb\nc\n';
  const after = 'a\n\nnew 1\nnew 2\n\nb\nc\nend\n';
  t.same(addedHunks(before, after), [['new 1', 'new 2'], ['end']]);
  t.same(addedHunks(before, before), []);
});

t.test('each level adds its own hooks', async (t) => {
  const hooks: Record<number, string[]> = {
    0: ['syscall__probe_entry_accept4', 'syscall__probe_ret_accept4'],
    2: ['syscall__probe_entry_read', 'syscall__probe_ret_read'],
    3: ['syscall__probe_entry_write', 'syscall__probe_ret_write'],
    4: ['syscall__probe_entry_close', 'syscall__probe_ret_close'],
  };
  for (const [level, names] of Object.entries(hooks)) {
    const code = levelAddedCode(Number(level)).flat().join('\n');
    for (const name of names) t.match(code, name, `level ${level} adds ${name}`);
  }
  t.match(levelAddedCode(1).flat().join('\n'), 'socket_open_events', 'level 1 adds the open events');
  t.notMatch(levelAddedCode(3).flat().join('\n'), 'syscall__probe_entry_read', 'level 3 does not repeat level 2');
});
