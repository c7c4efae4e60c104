// Kernel headers for BCC. BCC compiles every program against the kernel's own headers, found
// through /lib/modules/<release>/build, /sys/kernel/kheaders.tar.xz, or BCC_KERNEL_SOURCE.
// Distributions often ship those headers split in two trees: a common half (sources) and a
// per-architecture half (configuration, generated headers). BCC_KERNEL_SOURCE names one
// directory, so a split pair is merged into one directory of symlinks: the common tree first,
// the architecture tree over it.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lstatOrNull, readTextOrEmpty, statOrNull } from '../util/optionalFiles.js';

export type HeaderSource = 'env' | 'modules' | 'kheaders' | 'usr-src';

/** A set of kernel headers BCC can compile against. */
export interface HeaderTree {
  source: HeaderSource;
  /** The kernel release the headers were made for, e.g. "6.1.0-56-amd64". */
  version: string;
  /**
   * The directories that make the tree, lowest first: one for a complete tree, two (common,
   * then architecture) for a split one. For kheaders, the tarball.
   */
  layers: string[];
}

/** A file every usable header tree has; BCC itself checks for it. */
const kconfigHeader = path.join('include', 'linux', 'kconfig.h');
/** Present in the half of a split tree that holds the build's configuration. */
const generatedDir = path.join('include', 'generated');

const isDirectory = (p: string): boolean => statOrNull(p)?.isDirectory() ?? false;
const isFile = (p: string): boolean => statOrNull(p)?.isFile() ?? false;

/** The release a build tree was made for, from its generated utsrelease.h; null when absent. */
export function treeRelease(dir: string): string | null {
  const text = readTextOrEmpty(path.join(dir, generatedDir, 'utsrelease.h'));
  return /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(text)?.[1] ?? null;
}

/**
 * The common half that completes a build tree lacking kconfig.h: the tree its Makefile
 * includes (Debian writes `include /usr/src/linux-headers-X-common/Makefile`), or a sibling
 * named like it with `-common` (or nothing) in place of its last dash-separated parts.
 */
function commonHalfOf(buildDir: string, root: string): string | null {
  const candidates: string[] = [];
  // No Makefile: rely on the name.
  for (const m of readTextOrEmpty(path.join(buildDir, 'Makefile')).matchAll(/^\s*include\s+(\S+)\/Makefile\s*$/gm)) {
    candidates.push(path.isAbsolute(m[1]!) ? path.join(root, m[1]!) : path.resolve(buildDir, m[1]!));
  }
  const parent = path.dirname(buildDir);
  const parts = path.basename(buildDir).split('-');
  for (let keep = parts.length - 1; keep >= 2; keep--) {
    const stem = parts.slice(0, keep).join('-');
    candidates.push(path.join(parent, `${stem}-common`), path.join(parent, stem));
  }
  return candidates.find((c) => c !== buildDir && isFile(path.join(c, kconfigHeader))) ?? null;
}

/**
 * The layers of a build tree (the half with include/generated): itself when complete, else
 * [common half, itself]; null when it is not a build tree or no common half completes it.
 */
export function treeLayers(buildDir: string, root: string, sourceDir?: string): string[] | null {
  if (!isDirectory(path.join(buildDir, generatedDir))) return null;
  if (isFile(path.join(buildDir, kconfigHeader))) return [buildDir];
  if (sourceDir && isFile(path.join(sourceDir, kconfigHeader))) return [sourceDir, buildDir];
  const common = commonHalfOf(buildDir, root);
  return common ? [common, buildDir] : null;
}

/** Orders release strings newest first, comparing their numbers as numbers. */
export function compareReleasesNewestFirst(a: string, b: string): number {
  const numbers = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
  const na = numbers(a);
  const nb = numbers(b);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (nb[i] ?? -1) - (na[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every usable header tree under `root` ("/" outside tests), best first: the running
 * kernel's /lib/modules build tree, its kheaders tarball, then the trees in /usr/src
 * (an exact release match first, then newest first).
 */
export function findHeaderTrees(root: string, release: string): HeaderTree[] {
  const found: HeaderTree[] = [];

  const modulesDir = path.join(root, 'lib', 'modules', release);
  const modulesLayers = treeLayers(path.join(modulesDir, 'build'), root, path.join(modulesDir, 'source'));
  if (modulesLayers) found.push({ source: 'modules', version: release, layers: modulesLayers });

  const kheaders = path.join(root, 'sys', 'kernel', 'kheaders.tar.xz');
  if (existsSync(kheaders)) found.push({ source: 'kheaders', version: release, layers: [kheaders] });

  const usrSrc: HeaderTree[] = [];
  const scan = (dir: string, namePattern: RegExp) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = namePattern.exec(name);
      if (!m) continue;
      const buildDir = path.join(dir, name);
      // Common halves are not candidates themselves (no include/generated): they complete one.
      const layers = treeLayers(buildDir, root);
      if (layers) usrSrc.push({ source: 'usr-src', version: treeRelease(buildDir) ?? m[1]!, layers });
    }
  };
  scan(path.join(root, 'usr', 'src'), /^linux-headers-(.+)$/); // Debian, Ubuntu, Arch
  scan(path.join(root, 'usr', 'src', 'kernels'), /^(.+)$/); // Fedora, RHEL
  usrSrc.sort((a, b) => {
    if ((a.version === release) !== (b.version === release)) return a.version === release ? -1 : 1;
    return compareReleasesNewestFirst(a.version, b.version);
  });
  return [...found, ...usrSrc];
}

/** What a farm was built from; rebuilt when this changes (another package version installed). */
function farmStamp(layers: string[]): string {
  return JSON.stringify({
    format: 1,
    layers: layers.map((dir) => ({ dir, mtimeMs: statSync(dir).mtimeMs })),
  });
}

const stampFile = '.ebpf-workshop-farm.json';

/**
 * Fills `dest` with symlinks so it reads as `layers` laid over one another, later layers
 * winning. Only directories present in more than one layer are merged; every other entry is
 * one symlink, so a farm of a whole header tree takes a few hundred links.
 */
export function mergeLayers(layers: string[], dest: string): void {
  mkdirSync(dest, { recursive: true });
  const names = new Set<string>();
  for (const layer of layers) for (const name of readdirSync(layer)) names.add(name);
  for (const name of names) {
    const present = layers.map((layer) => path.join(layer, name)).filter((p) => lstatOrNull(p) !== null);
    const top = present[present.length - 1]!;
    if (isDirectory(top)) {
      // The same directory reached through two layers (shared `scripts` links) is linked once.
      const distinct = [...new Map(present.filter(isDirectory).map((p) => [realpathSync(p), p])).values()];
      if (distinct.length > 1) {
        mergeLayers(distinct, path.join(dest, name));
        continue;
      }
    }
    symlinkSync(top, path.join(dest, name));
  }
}

export interface FarmResult {
  path: string;
  /** True when this call (re)built it; false when a fresh one was already there. */
  built: boolean;
}

/** True when `dest` holds a farm built from exactly these layers as they are now. */
export function farmIsFresh(layers: string[], dest: string): boolean {
  try {
    return readFileSync(path.join(dest, stampFile), 'utf8') === farmStamp(layers);
  } catch {
    return false;
  }
}

/**
 * A kernel release as a directory name, or null: the version comes from a file's text
 * (utsrelease.h) or a directory name under /usr/src, and the farm named after it is removed
 * recursively when rebuilt, so nothing that could leave its parent ("..", "/") is allowed.
 */
export function safeReleaseName(version: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/.test(version) && !version.includes('..') ? version : null;
}

/** Where merged header trees are kept, one directory per kernel release. */
export const HEADER_CACHE_DIR = '/var/cache/ebpf-workshop/kernel-headers';

/**
 * Ours alone under the temp directory, for when the shared cache cannot be written (a read-only
 * /var): created 0700, and used only while it is a real directory of ours that no one else
 * can write to.
 */
export function privateFarmBase(tmp = os.tmpdir(), uid = process.getuid?.() ?? 0): string | null {
  const base = path.join(tmp, `ebpf-workshop-${uid}-kernel-headers`);
  try {
    mkdirSync(base, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  const stats = lstatOrNull(base);
  return stats?.isDirectory() && stats.uid === uid && (stats.mode & 0o077) === 0 ? base : null;
}

/** The directories a farm for this release may be in, best first; throws for an unsafe release. */
export function farmCandidates(version: string, bases: Array<string | null> = [HEADER_CACHE_DIR, privateFarmBase()]): string[] {
  const name = safeReleaseName(version);
  if (!name) throw new Error(`the kernel headers name their release ${JSON.stringify(version)}, which is not a safe directory name`);
  return bases.filter((b): b is string => b !== null).map((base) => path.join(base, name));
}

export interface PlacedFarm extends FarmResult {
  /** Why earlier places were passed over (a read-only cache…), for a warning; empty when none was. */
  skipped: string[];
}

/**
 * A fresh farm of `layers` in the first candidate that has one or can be written: the shared
 * cache, else our private temp directory. Throws only when none can be written, saying where
 * it tried and why.
 */
export function placeHeaderFarm(layers: string[], candidates: string[]): PlacedFarm {
  const fresh = candidates.find((dest) => farmIsFresh(layers, dest));
  if (fresh) return { path: fresh, built: false, skipped: [] };
  const skipped: string[] = [];
  for (const dest of candidates) {
    try {
      return { ...ensureHeaderFarm(layers, dest), skipped };
    } catch (error) {
      skipped.push(`${path.dirname(dest)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  throw new Error(`no directory could hold the merged tree: ${skipped.join(', ')}`);
}

/**
 * Makes `dest` a merged view of `layers`, reusing it when its stamp says it is fresh. Built
 * beside `dest` and renamed into place, so a concurrent reader never sees half a farm. `dest`
 * is removed recursively when stale: take it from farmCandidates(), which checks the name.
 */
export function ensureHeaderFarm(layers: string[], dest: string): FarmResult {
  if (farmIsFresh(layers, dest)) return { path: dest, built: false };
  mkdirSync(path.dirname(dest), { recursive: true });
  const building = `${dest}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mergeLayers(layers, building);
  writeFileSync(path.join(building, stampFile), farmStamp(layers));
  // Two processes may build the same farm at once (the first tests on a fresh machine): a farm
  // is only ever replaced by a rename, never removed where it stands, so one another process
  // has just put in place (and may be compiling with) is kept, and ours thrown away.
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(building, dest);
      return { path: dest, built: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Something is in the way: a farm (a non-empty directory), or a file where one should be.
      if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes(code ?? '') || attempt === 3) throw error;
    }
    if (farmIsFresh(layers, dest)) {
      rmSync(building, { recursive: true, force: true });
      return { path: dest, built: false };
    }
    // Stale: moved aside whole, then removed. Another process may have put a fresh farm in
    // place between the check above and the move: that one goes straight back.
    const stale = `${dest}.stale-${process.pid}`;
    rmSync(stale, { recursive: true, force: true }); // left by an earlier process with our pid
    try {
      renameSync(dest, stale);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // another process moved it first
    }
    if (farmIsFresh(layers, stale)) {
      try {
        renameSync(stale, dest);
        rmSync(building, { recursive: true, force: true });
        return { path: dest, built: false };
      } catch {
        // a third farm is in place already: it is as fresh, and ours is tried again below
      }
    }
    rmSync(stale, { recursive: true, force: true });
  }
}

/**
 * True when the tree is the running kernel's own /lib/modules/<release>/{source,build} pair:
 * BCC reads that pair itself (BCC_KERNEL_SOURCE unset), so it needs no merge at all.
 */
export function isModulesPair(tree: HeaderTree, root: string, release: string): boolean {
  const modulesDir = path.join(root, 'lib', 'modules', release);
  return tree.source === 'modules' && tree.layers.length === 2 && tree.layers[0] === path.join(modulesDir, 'source') && tree.layers[1] === path.join(modulesDir, 'build');
}

/** True when `dir` is a header tree BCC can use through BCC_KERNEL_SOURCE as it stands. */
export function isCompleteTree(dir: string): boolean {
  return isFile(path.join(dir, kconfigHeader)) && isDirectory(path.join(dir, generatedDir));
}

export interface HeaderPackageHint {
  /** The command installing headers for exactly this release. */
  exact: string;
  /** The distribution's always-current headers package, when it has one. */
  generic: string | null;
}

/** What to install for headers, by distribution family (from the text of /etc/os-release). */
export function headerPackages(osRelease: string, release: string): HeaderPackageHint {
  const family = `${/^ID=(.*)$/m.exec(osRelease)?.[1] ?? ''} ${/^ID_LIKE=(.*)$/m.exec(osRelease)?.[1] ?? ''}`.replace(/"/g, '');
  const debArch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  if (/fedora|rhel|centos/.test(family)) return { exact: `sudo dnf install kernel-devel-${release}`, generic: 'sudo dnf install kernel-devel' };
  if (/\barch\b/.test(family)) return { exact: 'sudo pacman -S linux-headers', generic: null };
  if (/ubuntu/.test(family)) return { exact: `sudo apt-get install linux-headers-${release}`, generic: 'sudo apt-get install linux-headers-generic' };
  if (/debian/.test(family)) return { exact: `sudo apt-get install linux-headers-${release}`, generic: `sudo apt-get install linux-headers-${debArch}` };
  return {
    exact: `install the kernel headers for ${release} (linux-headers-${release} on Debian/Ubuntu, kernel-devel-${release} on Fedora, linux-headers on Arch)`,
    generic: null,
  };
}
