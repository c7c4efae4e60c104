// Must show (issue 14 item 4, issue 13 item 2): progress belongs to the file (its real path) and
// the track, not to the user; "start over" forgets it; the state file is written through no link.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentLevel, markCompleted, progressKey, readProgress, startOver } from '../../src/tracks/progress.js';

function setup(t: { teardown(fn: () => void): void }) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ws-progress-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const stateFile = path.join(root, 'state', 'ebpf-workshop', 'progress.json');
  const file = (name: string) => {
    const p = path.join(root, name);
    writeFileSync(p, '// a learner file\n');
    return p;
  };
  return { root, stateFile, file };
}

t.test('a fresh file starts at level 0 while another file has finished every level', async (t) => {
  const { stateFile, file } = setup(t);
  const finished = file('finished.c');
  for (const level of [0, 1, 2, 3, 4]) markCompleted(level, finished, { stateFile });
  t.same(readProgress(finished, { stateFile }).completed, [0, 1, 2, 3, 4]);
  t.equal(currentLevel(readProgress(finished, { stateFile }), 5), 4);

  const fresh = file('clean.c');
  t.same(readProgress(fresh, { stateFile }).completed, [], 'nothing done for the new file');
  t.equal(currentLevel(readProgress(fresh, { stateFile }), 5), 0, 'it starts at level 0');
});

t.test('the key is the real path: a link to the file shares its progress', async (t) => {
  const { root, stateFile, file } = setup(t);
  const real = file('real.c');
  const link = path.join(root, 'link.c');
  symlinkSync(real, link);
  markCompleted(2, link, { stateFile });
  t.same(readProgress(real, { stateFile }).completed, [2]);
  t.equal(progressKey(link), real);
});

t.test('tracks are kept apart, and start over forgets one file on one track', async (t) => {
  const { stateFile, file } = setup(t);
  const a = file('a.c');
  markCompleted(0, a, { stateFile });
  markCompleted(1, a, { stateFile, track: 'tls' });
  t.same(readProgress(a, { stateFile, track: 'tls' }).completed, [1]);
  t.same(readProgress(a, { stateFile }).completed, [0]);
  t.same(startOver(a, { stateFile }).completed, []);
  t.same(readProgress(a, { stateFile }).completed, [], 'the HTTP track starts over');
  t.same(readProgress(a, { stateFile, track: 'tls' }).completed, [1], 'the TLS track keeps its progress');
});

t.test("the old per-user format (one list for everything) counts as no progress", async (t) => {
  const { stateFile, file } = setup(t);
  markCompleted(0, file('x.c'), { stateFile }); // creates the directory
  writeFileSync(stateFile, '{"completed": [0, 1, 2, 3, 4]}\n');
  t.same(readProgress(file('clean.c'), { stateFile }).completed, []);
});

t.test('the state file is written through no link, and the temporary file is not predictable', async (t) => {
  const { root, stateFile, file } = setup(t);
  const a = file('a.c');
  markCompleted(0, a, { stateFile });
  const victim = path.join(root, 'victim');
  writeFileSync(victim, 'precious');
  // The old temp name was `${file}.${pid}.tmp`: a link planted there was written through.
  symlinkSync(victim, `${stateFile}.${process.pid}.tmp`);
  rmSync(stateFile);
  symlinkSync(victim, stateFile);
  markCompleted(1, a, { stateFile });
  t.equal(readFileSync(victim, 'utf8'), 'precious', 'the link targets are untouched');
  t.notOk(lstatSync(stateFile).isSymbolicLink(), 'the link at the state file was replaced');
});
