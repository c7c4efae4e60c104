import t from 'tap';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import {
  compareReleasesNewestFirst,
  ensureHeaderFarm,
  farmCandidates,
  farmIsFresh,
  findHeaderTrees,
  headerPackages,
  isCompleteTree,
  isModulesPair,
  placeHeaderFarm,
  privateFarmBase,
  safeReleaseName,
  treeLayers,
} from '../../src/kernel/headers.js';

/** Writes `files` (relative path → content, or {link} for a symlink) under `dir`. */
function tree(dir: string, files: Record<string, string | { link: string }>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'string') writeFileSync(file, content);
    else symlinkSync(content.link, file);
  }
}

/** A Debian-style split pair under root/usr/src, like linux-headers-6.1.0-56-{common,amd64}. */
function debianPair(root: string, version: string, flavour = 'amd64'): { common: string; arch: string } {
  const common = path.join(root, 'usr/src', `linux-headers-${version}-common`);
  const arch = path.join(root, 'usr/src', `linux-headers-${version}-${flavour}`);
  const kbuild = path.join(root, 'usr/lib/linux-kbuild/scripts');
  tree(common, {
    Makefile: 'common Makefile\n',
    'include/linux/kconfig.h': 'common kconfig.h\n',
    'include/linux/sched.h': 'common sched.h\n',
    'include/linux/compiler-version.h': 'common compiler-version.h\n',
    'arch/x86/include/asm/ptrace.h': 'common ptrace.h\n',
    'arch/arm64/include/asm/ptrace.h': 'common arm64 ptrace.h\n',
    scripts: { link: kbuild },
  });
  tree(arch, {
    Makefile: `include /usr/src/linux-headers-${version}-common/Makefile\n`,
    '.config': 'CONFIG_BPF=y\n',
    'include/generated/utsrelease.h': `#define UTS_RELEASE "${version}-${flavour}"\n`,
    'include/generated/autoconf.h': '#define CONFIG_BPF 1\n',
    'include/config/auto.conf': 'CONFIG_BPF=y\n',
    'include/linux/compiler-version.h': 'arch compiler-version.h\n',
    'arch/x86/include/generated/asm/syscalls_64.h': 'arch syscalls_64.h\n',
    scripts: { link: kbuild },
  });
  mkdirSync(kbuild, { recursive: true });
  return { common, arch };
}

function tmpRoot(t: { teardown(fn: () => void): void }): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'ebpf-workshop-headers-')));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A complete (Ubuntu-style, or self-built) tree at root/usr/src/linux-headers-<release>. */
function completeTree(root: string, release: string): string {
  const dir = path.join(root, 'usr/src', `linux-headers-${release}`);
  tree(dir, {
    'include/linux/kconfig.h': 'kconfig.h\n',
    'include/generated/utsrelease.h': `#define UTS_RELEASE "${release}"\n`,
  });
  return dir;
}

const read = (file: string) => readFileSync(file, 'utf8');

t.test('a Debian split pair is found as common + arch layers, through its Makefile', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-56');
  t.same(treeLayers(arch, root), [common, arch]);
  t.equal(treeLayers(common, root), null, 'a common half is not a build tree');
  t.notOk(isCompleteTree(arch), 'the arch half alone is what BCC cannot use');
  t.same(findHeaderTrees(root, '6.18.44-fc-v595'), [{ source: 'usr-src', version: '6.1.0-56-amd64', layers: [common, arch] }]);
});

t.test('the common half is also found by name when the Makefile does not say', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-56', 'rt-amd64');
  writeFileSync(path.join(arch, 'Makefile'), 'all:\n');
  t.same(treeLayers(arch, root), [common, arch]);
});

t.test('an arch half without its common half is unusable', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-56');
  rmSync(common, { recursive: true });
  t.equal(treeLayers(arch, root), null);
  t.same(findHeaderTrees(root, '6.1.0-56-amd64'), []);
});

t.test('order: /lib/modules build, then kheaders, then /usr/src exact match, then newest', async (t) => {
  const root = tmpRoot(t);
  const old = debianPair(root, '5.10.0-30');
  debianPair(root, '6.1.0-56');
  const ubuntu = completeTree(root, '6.8.0-40-generic');

  const versions = (release: string) => findHeaderTrees(root, release).map((h) => `${h.source}:${h.version}`);
  t.same(versions('6.18.44-custom'), ['usr-src:6.8.0-40-generic', 'usr-src:6.1.0-56-amd64', 'usr-src:5.10.0-30-amd64']);
  t.same(versions('6.1.0-56-amd64'), ['usr-src:6.1.0-56-amd64', 'usr-src:6.8.0-40-generic', 'usr-src:5.10.0-30-amd64']);

  tree(root, { 'sys/kernel/kheaders.tar.xz': 'xz' });
  t.same(versions('6.18.44-custom')[0], 'kheaders:6.18.44-custom');

  // Debian's /lib/modules/<release>: build → the arch half, source → the common half.
  tree(root, {
    'lib/modules/5.10.0-30-amd64/build': { link: old.arch },
    'lib/modules/5.10.0-30-amd64/source': { link: old.common },
  });
  const found = findHeaderTrees(root, '5.10.0-30-amd64');
  t.same(found[0], {
    source: 'modules',
    version: '5.10.0-30-amd64',
    layers: [path.join(root, 'lib/modules/5.10.0-30-amd64/source'), path.join(root, 'lib/modules/5.10.0-30-amd64/build')],
  });
  t.same(found.map((h) => h.source), ['modules', 'kheaders', 'usr-src', 'usr-src', 'usr-src']);

  // A complete build tree is one layer.
  tree(root, { 'lib/modules/6.8.0-40-generic/build': { link: ubuntu } });
  t.same(findHeaderTrees(root, '6.8.0-40-generic')[0]!.layers, [path.join(root, 'lib/modules/6.8.0-40-generic/build')]);

  // A build link left dangling by a removed package is skipped.
  tree(root, { 'lib/modules/6.9.0-1-amd64/build': { link: path.join(root, 'usr/src/gone') } });
  t.equal(findHeaderTrees(root, '6.9.0-1-amd64')[0]!.source, 'kheaders');
});

t.test('the farm: common first, arch over it, merged only where both have a directory', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-56');
  const farm = path.join(root, 'cache/kernel-headers/6.1.0-56-amd64');

  t.same(ensureHeaderFarm([common, arch], farm), { path: farm, built: true });
  t.ok(isCompleteTree(farm), 'the merged tree is what BCC_KERNEL_SOURCE can name');

  t.equal(read(path.join(farm, 'include/linux/kconfig.h')), 'common kconfig.h\n', 'a file only the common half has');
  t.equal(read(path.join(farm, 'include/generated/utsrelease.h')), '#define UTS_RELEASE "6.1.0-56-amd64"\n', 'a file only the arch half has');
  t.equal(read(path.join(farm, 'include/linux/compiler-version.h')), 'arch compiler-version.h\n', 'a file both have: the arch one wins');
  t.equal(read(path.join(farm, 'Makefile')), 'include /usr/src/linux-headers-6.1.0-56-common/Makefile\n');
  t.equal(read(path.join(farm, 'arch/x86/include/asm/ptrace.h')), 'common ptrace.h\n');
  t.equal(read(path.join(farm, 'arch/x86/include/generated/asm/syscalls_64.h')), 'arch syscalls_64.h\n');

  // Directories only one side has are a single link, not copied or descended into.
  t.ok(lstatSync(path.join(farm, 'include/generated')).isSymbolicLink());
  t.ok(lstatSync(path.join(farm, 'arch/arm64')).isSymbolicLink());
  t.ok(lstatSync(path.join(farm, 'include/linux')).isDirectory(), 'both have include/linux: merged');
  t.ok(lstatSync(path.join(farm, 'include/linux/sched.h')).isSymbolicLink());
  // Both halves link `scripts` to the same kbuild directory: one link.
  t.ok(lstatSync(path.join(farm, 'scripts')).isSymbolicLink());

  t.same(ensureHeaderFarm([common, arch], farm), { path: farm, built: false }, 'a fresh farm is reused');

  // A new package version of the same release changes the trees: rebuilt.
  utimesSync(arch, new Date(), new Date(Date.now() + 5000));
  t.notOk(farmIsFresh([common, arch], farm));
  t.same(ensureHeaderFarm([common, arch], farm), { path: farm, built: true });
  t.ok(farmIsFresh([common, arch], farm));
});

t.test('processes building the same farm at once all get a whole one, and none is removed under another', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-56');
  // Wider layers, so that building takes long enough for the processes to overlap.
  for (let i = 0; i < 1500; i++) tree(common, { [`include/dir${i}/a.h`]: '', [`include/dir${i}/b.h`]: '' });
  for (let i = 0; i < 1500; i++) tree(arch, { [`include/dir${i}/c.h`]: '' });
  const farm = path.join(root, 'cache/kernel-headers/6.1.0-56-amd64');
  // A stale farm first: the racers replace it, as after a kernel headers upgrade.
  tree(farm, { 'stale.h': '', '.ebpf-workshop-farm': 'old\n' });
  const headers = path.resolve('src/kernel/headers.ts');
  const startAt = Date.now() + 1500;
  const script = `
    const { ensureHeaderFarm, isCompleteTree } = await import(${JSON.stringify(headers)});
    while (Date.now() < ${startAt}) {}
    const result = ensureHeaderFarm(${JSON.stringify([common, arch])}, ${JSON.stringify(farm)});
    console.log(JSON.stringify({ ...result, whole: isCompleteTree(result.path) }));`;
  const racers = Array.from({ length: 8 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const results = await Promise.all(racers.map(async (child) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    return { code, out, err };
  }));
  for (const [i, r] of results.entries()) t.equal(r.code, 0, `racer ${i} finished ${/^\w*Error\b.*$/m.exec(r.err)?.[0] ?? ''}`);
  const farms = results.filter((r) => r.code === 0).map((r) => JSON.parse(r.out) as { path: string; built: boolean; whole: boolean });
  t.ok(farms.every((f) => f.path === farm && f.whole), 'each got the farm, whole');
  t.ok(farms.some((f) => f.built), 'at least one built it');
  t.ok(farmIsFresh([common, arch], farm), 'what stands is fresh');
  t.notOk(existsSync(path.join(farm, 'stale.h')), 'the stale farm is gone');
  t.same(readdirSync(path.dirname(farm)), [path.basename(farm)], 'no half-built or stale copy is left beside it');
});

t.test('release ordering compares numbers as numbers', async (t) => {
  const sorted = ['5.10.0-30-amd64', '6.1.0-9-amd64', '6.1.0-56-amd64', '4.19.0-27-amd64'].sort(compareReleasesNewestFirst);
  t.same(sorted, ['6.1.0-56-amd64', '6.1.0-9-amd64', '5.10.0-30-amd64', '4.19.0-27-amd64']);
});

t.test('the header package to install, per distribution', async (t) => {
  const debian = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
  const ubuntu = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
  const fedora = 'NAME="Fedora Linux"\nID=fedora\n';
  const arch = 'NAME="Arch Linux"\nID=arch\n';
  t.match(headerPackages(debian, '6.1.0-56-amd64'), { exact: 'sudo apt-get install linux-headers-6.1.0-56-amd64', generic: /linux-headers-(amd64|arm64)$/ });
  t.match(headerPackages(ubuntu, '6.8.0-40-generic'), { exact: /linux-headers-6.8.0-40-generic$/, generic: /linux-headers-generic$/ });
  t.match(headerPackages(fedora, '6.9.5-200.fc40.x86_64'), { exact: 'sudo dnf install kernel-devel-6.9.5-200.fc40.x86_64' });
  t.match(headerPackages(arch, '6.9.5-arch1-1'), { exact: 'sudo pacman -S linux-headers', generic: null });
  t.match(headerPackages('', '6.9.5'), { exact: /linux-headers-6.9.5 on Debian/ });
});

t.test('a release becomes a directory name only when it cannot leave its parent', async (t) => {
  for (const ok of ['6.1.0-57-amd64', '5.14.0-362.24.1.el9_3.x86_64', '6.8.0-rc1+', '6.18.44-fc-v857']) t.equal(safeReleaseName(ok), ok, ok);
  for (const bad of ['..', '../../etc', '6.1/../../x', 'a/b', '', '.hidden', '6.1..0', ' 6.1', '6.1\n', 'x'.repeat(200)]) {
    t.equal(safeReleaseName(bad), null, JSON.stringify(bad));
  }
  t.throws(() => farmCandidates('../../../etc', ['/var/cache/x']), /not a safe directory name/);
  t.same(farmCandidates('6.1.0-57-amd64', ['/var/cache/x', null, '/tmp/y']), ['/var/cache/x/6.1.0-57-amd64', '/tmp/y/6.1.0-57-amd64']);
});

t.test('a utsrelease.h that says ".." never reaches the recursive remove', async (t) => {
  const root = tmpRoot(t);
  const { arch } = debianPair(root, '6.1.0-9');
  writeFileSync(path.join(arch, 'include/generated/utsrelease.h'), '#define UTS_RELEASE "../../victim"\n');
  const victim = path.join(root, 'victim');
  mkdirSync(victim);
  writeFileSync(path.join(victim, 'keep'), 'precious');
  const [best] = findHeaderTrees(root, '6.1.0-9-amd64');
  t.equal(best?.version, '../../victim', 'the version read from the file');
  const base = path.join(root, 'cache', 'kernel-headers');
  // What the farm's path was before: path.join(cache, version) is root/victim itself, which a
  // stale farm's rebuild removes recursively. The candidates refuse the name instead.
  t.equal(path.join(base, best!.version), victim, 'joined unchecked, the version leaves the cache');
  t.throws(() => farmCandidates(best!.version, [base]), /not a safe directory name/);
  t.equal(readFileSync(path.join(victim, 'keep'), 'utf8'), 'precious', 'nothing outside the cache was removed');
});

t.test('a cache that cannot be written: the farm goes to the next place', async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-9');
  const blocked = path.join(root, 'var-cache-is-a-file');
  writeFileSync(blocked, ''); // mkdir under a file fails (ENOTDIR), as under a read-only /var
  const fallback = path.join(root, 'private');
  const candidates = farmCandidates('6.1.0-9-amd64', [blocked, fallback]);
  const placed = placeHeaderFarm([common, arch], candidates);
  t.equal(placed.path, path.join(fallback, '6.1.0-9-amd64'));
  t.ok(placed.built);
  t.match(placed.skipped.join(), /var-cache-is-a-file \((ENOTDIR|EEXIST)\)/, 'says what was passed over and why');
  t.ok(isCompleteTree(placed.path), 'a complete tree BCC can use');
  t.same(placeHeaderFarm([common, arch], candidates), { path: placed.path, built: false, skipped: [] }, 'found fresh the next time');
  t.throws(() => placeHeaderFarm([common, arch], farmCandidates('6.1.0-9-amd64', [blocked])), /no directory could hold the merged tree: .*(ENOTDIR|EEXIST)/);
});

t.test('a read-only mounted cache: the farm goes to the private directory', { skip: process.getuid?.() !== 0 && 'needs root to mount' }, async (t) => {
  const root = tmpRoot(t);
  const { common, arch } = debianPair(root, '6.1.0-9');
  const cache = path.join(root, 'ro-cache');
  mkdirSync(cache);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', cache]);
  if (mounted.status !== 0) return void t.comment(`skipped: cannot mount a read-only tmpfs here: ${mounted.stderr}`);
  t.teardown(() => void spawnSync('umount', [cache]));
  const tmp = path.join(root, 'tmp');
  mkdirSync(tmp);
  const placed = placeHeaderFarm([common, arch], farmCandidates('6.1.0-9-amd64', [cache, privateFarmBase(tmp)]));
  t.equal(path.dirname(placed.path), path.join(tmp, `ebpf-workshop-${process.getuid!()}-kernel-headers`));
  t.match(placed.skipped.join(), /ro-cache \((EROFS|ENOENT)\)/, 'the read-only cache was passed over (Node reports ENOENT from its recursive mkdir there)');
  t.ok(isCompleteTree(placed.path));
});

t.test('the private directory is ours alone, or not used', async (t) => {
  const tmp = tmpRoot(t);
  const uid = process.getuid!();
  const base = privateFarmBase(tmp, uid);
  t.equal(base, path.join(tmp, `ebpf-workshop-${uid}-kernel-headers`));
  t.equal(statSync(base!).mode & 0o777, 0o700);
  chmodSync(base!, 0o777);
  t.equal(privateFarmBase(tmp, uid), null, 'not when others can write to it');
  rmSync(base!, { recursive: true });
  symlinkSync(tmp, base!);
  t.equal(privateFarmBase(tmp, uid), null, 'not when it is a link');
  t.ok(existsSync(tmp));
});

t.test("the kernel's own build/source pair needs no merge", async (t) => {
  const root = tmpRoot(t);
  const release = '6.1.0-9-amd64';
  const { common, arch } = debianPair(root, '6.1.0-9');
  const modules = path.join(root, 'lib/modules', release);
  mkdirSync(modules, { recursive: true });
  symlinkSync(arch, path.join(modules, 'build'));
  symlinkSync(common, path.join(modules, 'source'));
  const [best] = findHeaderTrees(root, release);
  t.equal(best?.source, 'modules');
  t.ok(isModulesPair(best!, root, release), 'BCC reads /lib/modules/<release>/{build,source} itself');
  const usrSrc = findHeaderTrees(root, release).find((tree) => tree.source === 'usr-src')!;
  t.notOk(isModulesPair(usrSrc, root, release), 'a /usr/src pair still needs the merge');
});
