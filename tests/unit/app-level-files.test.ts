// The session's level files, without a terminal: progress per file and track, start over,
// the texts a level starts from and ends with, a reset that keeps the old file, hints.
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LevelFiles } from '../../src/app/session/levelFiles.js';
import { levelOf, levelStartFile, loadTrack } from '../../src/tracks/tracks.js';

const track = loadTrack();

function workspace(t: { teardown: (fn: () => void) => void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-level-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, state: path.join(dir, 'state', 'progress.json'), file: path.join(dir, 'clean.c') };
}

t.test('progress belongs to the file: another file starts at nothing done; start over forgets', async (t) => {
  const { dir, state, file } = workspace(t);
  writeFileSync(file, 'int a;\n');
  const files = new LevelFiles(track, file, state);
  t.same(files.completed, []);
  t.equal(files.passed(0), null);
  t.equal(files.passed(1), null);
  t.same(new LevelFiles(track, file, state).completed, [0, 1], 'kept for this file');
  const other = path.join(dir, 'other.c');
  writeFileSync(other, 'int b;\n');
  t.same(new LevelFiles(track, other, state).completed, [], 'not for another file');
  t.match(files.startOver(), /started over/);
  t.same(files.completed, []);
  t.same(new LevelFiles(track, file, state).completed, [], 'forgotten on disk too');
});

t.test('the texts of a level: where it starts, where it ends', async (t) => {
  const { state, file } = workspace(t);
  const files = new LevelFiles(track, file, state);
  t.equal(files.levelStartText(0), readFileSync(levelStartFile(track, 0), 'utf8'));
  t.equal(files.levelStartText(2), readFileSync(levelOf(track, 1).step, 'utf8'));
  t.equal(files.solutionText(2), readFileSync(levelOf(track, 2).step, 'utf8'));
});

t.test('a reset puts the level\'s start back and keeps the old file; a gone file is made anew; a link is not written through', async (t) => {
  const { dir, state, file } = workspace(t);
  writeFileSync(file, 'my work\n');
  const files = new LevelFiles(track, file, state);
  const { backup, notice } = files.reset(2, new Date(2026, 0, 2, 3, 4, 5));
  t.equal(backup, `${file}.bak-20260102-030405`);
  t.equal(readFileSync(backup, 'utf8'), 'my work\n');
  t.equal(readFileSync(file, 'utf8'), readFileSync(levelOf(track, 1).step, 'utf8'));
  t.match(notice, /back at the start of level 2; your version is in/);
  rmSync(file);
  const again = files.reset(0);
  t.equal(again.backup, '', 'nothing to keep');
  t.equal(readFileSync(file, 'utf8'), readFileSync(levelStartFile(track, 0), 'utf8'));
  rmSync(file);
  const elsewhere = path.join(dir, 'elsewhere.c');
  writeFileSync(elsewhere, 'not yours to overwrite\n');
  symlinkSync(elsewhere, file);
  const linked = files.reset(0);
  t.match(linked.notice, /was not reset/);
  t.equal(readFileSync(elsewhere, 'utf8'), 'not yours to overwrite\n', 'the link\'s target untouched');
  t.ok(existsSync(file));
  t.ok(readdirSync(dir).length >= 3);
});

t.test('hints are revealed one by one, per level, up to the last', async (t) => {
  const { state, file } = workspace(t);
  const files = new LevelFiles(track, file, state);
  const total = levelOf(track, 1).hints.length;
  for (let i = 1; i <= total + 2; i++) t.equal(files.revealHint(1), Math.min(i, total));
  t.equal(files.hintsShown(2), 0);
});
