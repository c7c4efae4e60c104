import t from 'tap';
import { assessPlatform, parseLockdown } from '../../src/kernel/platform.js';
import { atLeast, parseVersion } from '../../src/kernel/release.js';

const linux = (release: string, bpfSyscall = true) => ({ os: 'linux', kernel: parseVersion(release), release, bpfSyscall });

t.test('kernel release strings parse to their numbers', async (t) => {
  t.same(parseVersion('6.18.44-fc-v595'), { major: 6, minor: 18, patch: 44 });
  t.same(parseVersion('6.1.0-56-amd64'), { major: 6, minor: 1, patch: 0 });
  t.same(parseVersion('5.15'), { major: 5, minor: 15, patch: 0 });
  t.same(parseVersion('0.26.0'), { major: 0, minor: 26, patch: 0 });
  t.equal(parseVersion('unknown'), null);
  t.ok(atLeast(parseVersion('5.8.0')!, 5, 8));
  t.notOk(atLeast(parseVersion('5.4.0')!, 5, 8));
});

t.test('which machines can run eBPF at all', async (t) => {
  t.ok(assessPlatform(linux('6.1.0-56-amd64')).ok);
  t.ok(assessPlatform(linux('4.9.0')).ok);
  t.match(assessPlatform({ ...linux('6.1.0'), os: 'darwin' }), { ok: false, detail: /needs Linux; this is darwin/ });
  t.match(assessPlatform(linux('4.4.0-210-generic')), { ok: false, detail: /too old/ });
  t.match(assessPlatform(linux('3.10.0-1160.el7.x86_64')), { ok: false, detail: /too old/ });
  t.match(assessPlatform(linux('6.1.0', false)), { ok: false, detail: /CONFIG_BPF_SYSCALL/ });
});

t.test('lockdown mode is the bracketed one', async (t) => {
  t.equal(parseLockdown('[none] integrity confidentiality\n'), 'none');
  t.equal(parseLockdown('none [integrity] confidentiality\n'), 'integrity');
  t.equal(parseLockdown('none integrity [confidentiality]\n'), 'confidentiality');
  t.equal(parseLockdown(''), null);
});
