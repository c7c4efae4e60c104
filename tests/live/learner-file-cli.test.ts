// Must show: a directory as FILE gets one plain sentence and exit 2 from check, run and start
// (issue 13 item 7); a dangling clean.c link is refused without creating its target (item 2);
// `check` without --level starts a fresh file at level 0 even when another file finished every
// level (issue 14 item 4).
import t from 'tap';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testWorkspace, runCheck, runCli, STACK_TRACE } from '../helpers/cli.js';
import { markCompleted } from '../../src/tracks/progress.js';

t.test('a directory as FILE: one plain sentence, exit 2, for check, run and start', async (t) => {
  const workspace = testWorkspace(t);
  mkdirSync(path.join(workspace.dir, 'src'));
  for (const command of ['check', 'run', 'start']) {
    const result = await runCli([command, 'src'], { workspace, timeoutMs: 60_000 });
    t.equal(result.code, 2, `${command} src: exit 2`);
    t.match(result.stderr, /^error: src is a directory, not a BCC program\n/, `${command}: says what happened`);
    t.match(result.stderr, /hint: give the \.c file you edit, e\.g\. src\/clean\.c/);
    t.notMatch(result.stderr, /this is a bug|EISDIR/, `${command}: not a bug`);
    t.notMatch(result.stderr, STACK_TRACE);
  }
});

t.test('a dangling clean.c link: refused, its target not created', async (t) => {
  const workspace = testWorkspace(t);
  const target = path.join(workspace.home, 'planted.c');
  symlinkSync(target, path.join(workspace.dir, 'clean.c'));
  const result = await runCli(['check'], { workspace, timeoutMs: 60_000 });
  t.equal(result.code, 2);
  t.match(result.stderr, /clean\.c is a symbolic link to a file that does not exist/);
  t.notOk(existsSync(target), "the link's target was not created");
});

t.test('check without --level: a fresh clean.c is at level 0 though another file finished every level', async (t) => {
  const workspace = testWorkspace(t);
  const other = path.join(workspace.home, 'finished.c');
  writeFileSync(other, '// finished elsewhere\n');
  for (const level of [0, 1, 2, 3, 4]) markCompleted(level, other, { stateFile: workspace.progressFile });
  const run = await runCheck([], { workspace });
  t.equal(run.report.level, 0, 'the new directory starts at level 0');
  t.ok(existsSync(path.join(workspace.dir, 'clean.c')), 'clean.c was created');
});
