// Must show (the demo): `demo --level 3` in a real terminal shows captured payloads within
// 10 s without a key press; → re-attaches level 4's hooks and shows the code it adds, then
// whole exchanges; q leaves the terminal as it was and nothing loaded.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadedPrograms } from '../helpers/bpftool.js';
import { cliCommand, EXIT_MARK, programIdsHeldBy, TmuxApp } from './fixtures/app-tmux.js';

t.test('demo --level 3: payloads with no key pressed; → to level 4; a clean quit', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-app-demo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const started = Date.now();
  const app = new TmuxApp(cliCommand(['demo', '--level', '3']), { cwd: dir });
  t.teardown(() => app.close());

  const log = await app.waitFor(
    'a request and its response',
    (s) => /POST \/customResponse HTTP\/1\.1/.test(s) && /HTTP\/1\.1 200 OK/.test(s),
    10_000,
    () => app.history(),
  );
  t.ok(Date.now() - started <= 10_000, 'within 10 s of the start, no key pressed');
  t.match(log, /LEVEL 3 — WRITING THE RESPONSE/, 'the level is announced');
  t.match(log, /syscall__probe_entry_write/, 'with the code it adds');
  t.match(log, /→ IN .*read \d+ bytes/, 'the request as the server read it');
  t.match(log, /← OUT .*wrote \d+ bytes/, 'the response as the server wrote it');
  t.equal(app.format('#{alternate_on}'), '0', 'a scrolling log, not a full screen');
  const pid = app.appPid()!;
  const level3 = programIdsHeldBy(pid);
  t.equal(level3.length, 6, 'level 3: the accept4, read and write hooks');

  app.keys('Right');
  const level4 = await app.waitFor('level 4 exchanges', (s) => /LEVEL 4 — CLOSING THE CONNECTION/.test(s) && /open → request → response → close/.test(s), 15_000, () => app.history());
  t.match(level4, /syscall__probe_entry_close/, 'the code level 4 adds');
  const held4 = programIdsHeldBy(pid);
  t.equal(held4.length, 8, 'level 4: the close hooks too');
  const gone = new Set(loadedPrograms().map((p) => p.id));
  t.same(level3.filter((id) => gone.has(id)), [], 'level 3\'s programs were detached, not left behind');

  app.keys('q');
  const after = await app.waitFor('the app exited', (s) => s.includes(EXIT_MARK), 15_000);
  t.match(after, new RegExp(`${EXIT_MARK} 0`));
  t.equal(app.format('#{cursor_flag}'), '1', 'the cursor shown again');
  const still = new Set(loadedPrograms().map((p) => p.id));
  t.same(held4.filter((id) => still.has(id)), [], 'none of its programs is loaded any more');
});
