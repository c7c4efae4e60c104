// Must show (issue 13 item 1): a demo server that dies under the app is noticed — one line
// naming the signal — and restarted, and the capture works again against the new one.
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childNamed } from '../helpers/processes.js';
import { cliCommand, columns, repo, TmuxApp } from './fixtures/app-tmux.js';

const demoServerOf = (appPid: number) => childNamed(appPid, 'demo-server');

t.test('the app restarts a demo server that was killed, and says so', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-app-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(path.join(repo, 'solution.c'), path.join(dir, 'solution.c'));
  const app = new TmuxApp(cliCommand(['start', '--level', '4', 'solution.c']), { cwd: dir, env: { XDG_STATE_HOME: path.join(dir, 'state') } });
  t.teardown(() => app.close());
  await app.waitFor('the file attached', (s) => s.includes('solution.c: compiled, verified and attached'), 90_000);
  const appPid = app.appPid()!;
  const first = demoServerOf(appPid);
  t.ok(first, 'the demo server runs');

  process.kill(first!, 'SIGKILL');
  const screen = await app.waitFor('the notice', (s) => /the demo server was killed by SIGKILL \(signal 9\); it was restarted/.test(s.replace(/\s*\n\s*/g, ' ')), 20_000);
  t.pass('the death is said, naming the signal');
  const second = demoServerOf(appPid);
  t.ok(second && second !== first, `a new demo server runs (pid ${second})`);
  t.match(screen.replace(/\s*\n\s*/g, ' '), new RegExp(`pid ${second}`), 'the notice names the new pid');

  // Both columns attached to the new server (the Expected one says "attaching…" until then).
  await app.waitFor('attached again', (s) => s.includes('solution.c: compiled, verified and attached') && /Expected \(solution\.c\)/.test(s), 60_000);
  app.keys('r');
  await app.waitFor('capturing from the new server', (s) => columns(s).some((r) => /POST \/customResponse/.test(r.left)), 10_000);
  t.pass('r captures again');
});
