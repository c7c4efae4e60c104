// Must show (the app): in a real terminal (tmux, 120×40), `start --level 4 solution.c`, then
// `r`: the request and the response appear under both `Your sniffer` and `Expected` within
// 5 s. Breaking the file shows its diagnostic within 5 s; fixing it recovers without a
// restart. After `q`: the app has exited, the programs it held are gone from the kernel,
// the demo server is stopped, and the terminal is back to its normal screen.
import t from 'tap';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadedPrograms } from '../helpers/bpftool.js';
import { childNamed } from '../helpers/processes.js';
import { cliCommand, columns, EXIT_MARK, programIdsHeldBy, repo, TmuxApp } from './fixtures/app-tmux.js';

const both = (screen: string, pattern: RegExp) => {
  const rows = columns(screen);
  return rows.some((r) => pattern.test(r.left)) && rows.some((r) => pattern.test(r.right));
};

t.test('start --level 4: live capture beside the expected one, diagnostics on save, a clean quit', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-app-start-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'solution.c');
  copyFileSync(path.join(repo, 'solution.c'), file);
  const good = readFileSync(file, 'utf8');

  const app = new TmuxApp(cliCommand(['start', '--level', '4', 'solution.c']), {
    cwd: dir,
    // Progress goes to a state directory of the test's own.
    env: { XDG_STATE_HOME: path.join(dir, 'state') },
  });
  t.teardown(() => app.close());

  await app.waitFor('the file attached', (s) => s.includes('solution.c: compiled, verified and attached'), 90_000);
  await app.waitFor('Expected attached', (s) => /Expected \(solution\.c\)/.test(s), 30_000);
  t.equal(app.format('#{alternate_on}'), '1', 'full screen on the alternate screen');
  const pid = app.appPid();
  t.ok(pid, 'the app is running');
  const held = programIdsHeldBy(pid!);
  t.ok(held.length >= 16, `the app holds its programs and solution.c's (${held.length})`);
  const server = childNamed(pid!, 'demo-server');
  t.ok(server, 'the demo server runs as a child of the app');

  app.keys('r');
  const sent = Date.now();
  const captured = await app.waitFor(
    'request and response in both columns',
    // The close follows the response by a moment: wait for the whole timeline.
    (s) => both(s, /POST \/customResponse/) && both(s, /HTTP\/1\.1 200/) && /open → request → response → close/.test(s),
    5_000,
  );
  t.ok(Date.now() - sent <= 5_000, 'within 5 s of r');
  t.match(captured, /open → request → response → close/, 'the level 4 timeline');
  t.notMatch(columns(captured).map((r) => r.left).join('\n'), /✗/, 'no difference flagged for the solution itself');

  // Break it: a diagnostic at the line, within 5 s.
  const lines = good.split('\n');
  const target = lines.findIndex((l) => l.includes('uint64_t id = bpf_get_current_pid_tgid();'));
  lines[target] = lines[target]!.replace(';', '') ; // a missing semicolon
  writeFileSync(file, lines.join('\n'));
  const broke = Date.now();
  const diagnostic = await app.waitFor('the diagnostic', (s) => new RegExp(`✗ solution\\.c:${target + 2}|✗ solution\\.c:${target + 1}`).test(s), 5_000);
  t.ok(Date.now() - broke <= 5_000, 'within 5 s of the save');
  t.match(diagnostic, /▶ +\d+ │ .*bpf_get_current_pid_tgid\(\)|▶ +\d+ │/, 'the code around it, the line marked');

  // Fix it: attached again, and capturing, without a restart.
  writeFileSync(file, good);
  await app.waitFor('recovered', (s) => s.includes('solution.c: compiled, verified and attached'), 30_000);
  await app.waitFor('Expected re-attached', (s) => /Expected \(solution\.c\)/.test(s), 30_000);
  app.keys('r');
  await app.waitFor('capturing again', (s) => both(s, /POST \/customResponse/), 5_000);
  t.equal(app.appPid(), pid, 'the same process all along');

  app.keys('q');
  const after = await app.waitFor('the app exited', (s) => s.includes(EXIT_MARK), 15_000);
  t.match(after, new RegExp(`${EXIT_MARK} 0`), 'exit status 0');
  t.equal(app.format('#{alternate_on}'), '0', 'back on the normal screen');
  t.equal(app.format('#{cursor_flag}'), '1', 'the cursor shown again');
  t.notMatch(after, /Your sniffer|at .*\.js:\d+/, 'nothing of the app, and no stack, left on the screen');
  const still = new Set(loadedPrograms().map((p) => p.id));
  t.same(held.filter((id) => still.has(id)), [], 'none of its programs is loaded any more');
  t.notOk(existsSync(`/proc/${server}`) && readFileSync(`/proc/${server}/comm`, 'utf8').trim() === 'demo-server', 'the demo server is stopped');
});

t.test('Ctrl-C quits as cleanly as q', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-app-ctrlc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(path.join(repo, 'solution.c'), path.join(dir, 'solution.c'));
  const app = new TmuxApp(cliCommand(['start', '--level', '2', 'solution.c']), { cwd: dir, width: 80, height: 24, env: { XDG_STATE_HOME: path.join(dir, 'state') } });
  t.teardown(() => app.close());
  await app.waitFor('attached', (s) => s.includes('compiled, verified and attached'), 90_000);
  const held = programIdsHeldBy(app.appPid()!);
  const screen = app.screen();
  t.ok(screen.split('\n').every((l) => l.length <= 80), 'fits 80 columns');
  t.match(screen, /q quit/, 'the keys fit on an 80×24 screen');
  app.keys('C-c');
  const after = await app.waitFor('the app exited', (s) => s.includes(EXIT_MARK), 15_000);
  t.match(after, new RegExp(`${EXIT_MARK} 0`));
  t.equal(app.format('#{alternate_on}'), '0');
  const still = new Set(loadedPrograms().map((p) => p.id));
  t.same(held.filter((id) => still.has(id)), []);
});
