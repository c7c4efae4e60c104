// Must show (issue 13 item 10): no sudo on the PATH is fine as root, and a user with sudo gets
// the commands elevated, told so first. A user is played by nobody (runuser); sudo by a script
// that records how it was called, so nothing here really gains root.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onPath, planElevation } from '../../src/util/elevate.js';
import { repoRoot } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;

/**
 * nobody must reach the checkout to run its CLI and setup.sh: a clone made under `mktemp -d`
 * (mode 0700) is not searchable by other users. Grants search (x, not read) on each such
 * directory above `dir` while the test runs, and puts every mode back after.
 */
function letOthersReach(t: Test, dir: string): void {
  for (let at = dir; ; at = path.dirname(at)) {
    const mode = statSync(at).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(at, mode | 0o001);
      t.teardown(() => chmodSync(at, mode));
    }
    if (at === path.dirname(at)) return;
  }
}
const hasRunuser = spawnSync('runuser', ['--help']).status === 0;

t.test('planElevation: only a user with sudo is elevated', async (t) => {
  const base = { node: '/usr/bin/node', nodeArgs: ['--import', 'tsx'], script: '/x/cli.js', args: ['check', '--level', '2'] };
  t.same(planElevation({ ...base, uid: 0, sudo: '/usr/bin/sudo' }), { kind: 'none' }, 'root: never, even with sudo there');
  t.same(planElevation({ ...base, uid: 1000, sudo: null }), { kind: 'none' }, 'no sudo: go on (the command says it needs root)');
  const plan = planElevation({ ...base, uid: 1000, sudo: '/usr/bin/sudo' });
  t.match(plan, { kind: 'sudo', command: '/usr/bin/sudo', args: ['/usr/bin/node', '--import', 'tsx', '/x/cli.js', 'check', '--level', '2'] });
  t.match(plan.kind === 'sudo' && plan.notice, /needs root to load eBPF programs: running it again with sudo/);
  t.equal(onPath('sh', '/nonexistent:/bin'), '/bin/sh');
  t.equal(onPath('sudo', '/nonexistent'), null);
});

t.test('as a user', { skip: (!isRoot && 'needs root to play a user') || (!hasRunuser && 'runuser is missing') }, async (t) => {
  letOthersReach(t, repoRoot);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-elevate-'));
  chmodSync(dir, 0o777);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'sudo.log');
  const fakeSudo = path.join(dir, 'bin', 'sudo');
  spawnSync('mkdir', ['-p', path.dirname(fakeSudo)]);
  writeFileSync(fakeSudo, `#!/bin/sh\nprintf '%s\\n' "$@" > ${log}\nexit 7\n`);
  chmodSync(fakeSudo, 0o755);
  const asNobody = (pathVariable: string, command: string[]) =>
    spawnSync('runuser', ['-u', 'nobody', '--', 'env', '-i', `PATH=${pathVariable}`, `HOME=${dir}`, ...command], { cwd: dir, encoding: 'utf8', timeout: 60_000 }); // env -i: not the NODE_OPTIONS tap gives its children
  const systemPath = `${path.dirname(process.execPath)}:/usr/bin:/bin`;

  t.test('the CLI reruns itself with sudo, says so, and exits with its status', async (t) => {
    const result = asNobody(`${path.dirname(fakeSudo)}:${systemPath}`, [process.execPath, path.join(repoRoot, 'dist', 'cli.js'), 'check', '--level', '1', 'mine.c']);
    t.equal(result.status, 7, "sudo's exit status", { stderr: result.stderr, error: String(result.error) });
    t.match(result.stderr, /needs root to load eBPF programs: running it again with sudo/);
    t.same(readFileSync(log, 'utf8').trim().split('\n').slice(-4), [path.join(repoRoot, 'dist', 'cli.js'), 'check', '--level', '1', 'mine.c'].slice(-4), 'the same command, under sudo');
  });

  t.test('setup.sh reruns itself with sudo, and says so', async (t) => {
    rmSync(log, { force: true });
    const result = asNobody(`${path.dirname(fakeSudo)}:${systemPath}`, ['bash', path.join(repoRoot, 'scripts', 'setup.sh')]);
    t.equal(result.status, 7);
    t.match(result.stdout, /Installing packages needs root: running .*setup\.sh again with sudo/);
    t.match(readFileSync(log, 'utf8'), /^env\nPATH=.*\n.*scripts\/setup\.sh\n$/, 'sudo env PATH=… setup.sh');
  });

  t.test('without sudo, setup.sh says plainly to run it as root', async (t) => {
    const result = asNobody(systemPath, ['bash', path.join(repoRoot, 'scripts', 'setup.sh')]);
    t.equal(result.status, 1);
    t.match(result.stderr, /installing packages needs root, and sudo is not installed: run this as root/);
  });
});
