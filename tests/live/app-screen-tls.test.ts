// Must show (issue 12, the TLS track as a learner meets it), in a real terminal at 120×40 and
// at 80×24: with the reference copied in as their clean.c, `r` puts the plaintext request
// (`POST /customResponse`) and answer (`HTTP/1.1 200 OK`) under both columns, theirs and
// Expected, and one line says how many bytes of TLS records the wire carried. The header says
// the hooks are uprobes on libssl (the syscall attach mode is not theirs). The traffic bar's
// parts are whole, auto off and on (at 80 columns it takes two lines rather than cut one).
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliCommand, columns, repo, TmuxApp } from './fixtures/app-tmux.js';

for (const [width, height] of [[120, 40], [80, 24]] as const) {
  t.test(`${width}×${height}: the TLS track shows plaintext under both columns and the encrypted bytes`, async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-app-tls-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(path.join(repo, 'levels', 'tls', 'solution.c'), path.join(dir, 'clean.c'));
    const app = new TmuxApp(cliCommand(['start', '--track', 'tls', '--level', '4', 'clean.c']), { cwd: dir, width, height, env: { XDG_STATE_HOME: path.join(dir, 'state') } });
    t.teardown(() => app.close());

    await app.waitFor('attached', (s) => s.includes('clean.c: compiled, verified and attached'), 90_000);
    await app.waitFor('Expected attached', (s) => /Expected \(solution\.c\)/.test(s), 60_000);
    app.keys('r');
    const both = (s: string, text: string) => columns(s).some((r) => r.left.includes(text)) && columns(s).some((r) => r.right.includes(text));
    const screen = await app.waitFor('plaintext under both columns', (s) => both(s, 'POST /customResponse') && both(s, 'HTTP/1.1 200 OK'), 15_000);
    t.ok(both(screen, 'POST /customResponse'), 'the request in plaintext, theirs and Expected');
    t.ok(both(screen, 'HTTP/1.1 200 OK'), 'the answer in plaintext, theirs and Expected');
    const wire = screen.split('\n').filter((l) => /wire: [\d,]+ B of TLS records/.test(l));
    t.equal(wire.length, 1, `one line on the encrypted bytes: ${wire[0]}`);
    t.ok(screen.split('\n').every((l) => l.length <= width), `fits ${width} columns`);
    // The traffic bar, whole at either size (at 80 columns on two lines): the server, the wire, the requests.
    const barWhole = (s: string, auto: string) =>
      /server https:\/\/127\.0\.0\.1:\d+/.test(s) && new RegExp(`requests: \\d+ sent, size \\d+, ${auto}`).test(s) && !s.split('\n').some((l) => /(server|wire|requests|auto).*…\s*$/.test(l));
    t.ok(barWhole(screen, 'auto off'), 'the traffic bar whole, auto off');
    app.keys('a');
    t.ok(barWhole(await app.waitFor('auto on', (s) => s.includes('auto every 2 s'), 10_000), 'auto every 2 s'), 'the traffic bar whole, auto on');
    app.keys('a');
    const header = screen.split('\n')[0]!;
    t.match(header, /uprobes on libssl/, `the header says how the hooks attach: ${header}`);
    t.notMatch(header, /tracepoint|kprobe/, 'not the syscall hooks\' attach mode');
    app.keys('q');
  });
}
