// Must show (issue 13 item 2): root writes through no link. The one helper for files written on
// the learner's behalf refuses links and existing names, gives files to the learner by fd, and
// replaces whole files by rename in a directory that was not swapped; learnerFile (clean.c)
// and the progress file use it.
import t, { type Test } from 'tap';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFile, ensureDirectory, learnerFileError, learnerOwner, overwriteFile, replaceFile } from '../../src/util/learnerFiles.js';
import { learnerFile } from '../../src/commands/cliSupport.js';
import { loadTrack } from '../../src/tracks/tracks.js';

const track = loadTrack('http');

const isRoot = process.getuid?.() === 0;

function tempDir(t: Test): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-learner-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('createFile: a new file, never through a dangling link, never over an existing one', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'new.c');
  createFile(file, 'int x;\n', null);
  t.equal(readFileSync(file, 'utf8'), 'int x;\n');
  t.throws(() => createFile(file, 'again', null), { name: 'WorkshopError', code: 'FILE_WRITE_REFUSED' }, 'an existing name is not overwritten');
  t.equal(readFileSync(file, 'utf8'), 'int x;\n');

  const target = path.join(dir, 'elsewhere', 'target');
  mkdirSync(path.dirname(target));
  const link = path.join(dir, 'link.c');
  symlinkSync(target, link);
  t.throws(() => createFile(link, 'x', null), { message: /is a symbolic link/ });
  t.notOk(existsSync(target), "the link's target was not created");
});

t.test('the owner is the user behind sudo when we are root, else nobody to change to', async (t) => {
  t.same(learnerOwner({ SUDO_UID: '4242', SUDO_GID: '4243' }), isRoot ? { uid: 4242, gid: 4243 } : null);
  t.equal(learnerOwner({}), null);
});

t.test('createFile gives the file to the owner by its descriptor', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'owned.c');
  createFile(file, 'x', { uid: 65534, gid: 65534 });
  t.equal(statSync(file).uid, 65534);
  t.equal(statSync(file).gid, 65534);
});

t.test('replaceFile: a fresh file renamed in place; a link there is replaced, not written through', async (t) => {
  const dir = tempDir(t);
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'precious');
  const state = path.join(dir, 'progress.json');
  symlinkSync(victim, state);
  replaceFile(state, '{"a": 1}', null);
  t.equal(readFileSync(victim, 'utf8'), 'precious', 'the link target is untouched');
  t.notOk(lstatSync(state).isSymbolicLink(), 'the link itself was replaced by a regular file');
  t.equal(readFileSync(state, 'utf8'), '{"a": 1}');
  replaceFile(state, '{"a": 2}', null);
  t.equal(readFileSync(state, 'utf8'), '{"a": 2}', 'and replaced again');
  t.same(
    (await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );

  const linkedDir = path.join(dir, 'linked-dir');
  symlinkSync(dir, linkedDir);
  t.throws(() => replaceFile(path.join(linkedDir, 'x.json'), '{}', null), { message: /symbolic link/ }, 'not into a directory reached through a link');
});

t.test('overwriteFile: in place, only into a regular file with one link, never through a link', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'clean.c');
  writeFileSync(file, 'old');
  overwriteFile(file, 'new');
  t.equal(readFileSync(file, 'utf8'), 'new');

  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'precious');
  const link = path.join(dir, 'linked.c');
  symlinkSync(victim, link);
  t.throws(() => overwriteFile(link, 'x'), { message: /is a symbolic link/ });
  const hard = path.join(dir, 'hard.c');
  linkSync(victim, hard);
  t.throws(() => overwriteFile(hard, 'x'), { message: /other hard links/ });
  t.equal(readFileSync(victim, 'utf8'), 'precious', 'the victim is untouched');
});

t.test('ensureDirectory creates what is missing, owned by the learner', async (t) => {
  const dir = tempDir(t);
  const deep = path.join(dir, 'a', 'b', 'c');
  ensureDirectory(deep, isRoot ? { uid: 65534, gid: 65534 } : null);
  t.ok(statSync(deep).isDirectory());
  if (isRoot) for (const p of ['a', 'a/b', 'a/b/c']) t.equal(statSync(path.join(dir, p)).uid, 65534, `${p} is the learner's`);
  ensureDirectory(deep, null);
  t.pass('an existing directory is fine');
});

t.test('learnerFile: clean.c created from the starting file; a dangling link or a directory refused plainly', async (t) => {
  const dir = tempDir(t);
  const clean = path.join(dir, 'clean.c');
  t.equal(learnerFile(clean, track, { quiet: true }), clean);
  t.match(readFileSync(clean, 'utf8'), /#include/, 'the starting file');

  const other = path.join(dir, 'other');
  mkdirSync(other);
  const target = path.join(dir, 'somewhere', 'owned-by-root.c');
  mkdirSync(path.dirname(target));
  symlinkSync(target, path.join(other, 'clean.c'));
  t.throws(() => learnerFile(path.join(other, 'clean.c'), track, { quiet: true }), { name: 'WorkshopError', code: 'FILE_BROKEN_LINK' });
  t.notOk(existsSync(target), "root did not create the link's target");

  t.throws(() => learnerFile(dir, track, { quiet: true }), { name: 'WorkshopError', code: 'FILE_IS_DIRECTORY', message: `${dir} is a directory, not a BCC program` });
});

t.test('a refused or impossible write is the environment (exit 2), never "a bug"', async (t) => {
  const { describeProblem, exitCodeFor } = await import('../../src/errors/problem.js');
  const problem = describeProblem(learnerFileError('/home/x/.local/state/ebpf-workshop/progress.json is a symbolic link, and the workshop writes through no link', 'ELOOP'));
  t.equal(problem.kind, 'environment');
  t.equal(exitCodeFor(problem), 2);
});
