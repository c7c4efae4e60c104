// The kernel headers check: which header tree BCC compiles the learner's program against,
// found, merged when the distribution splits it, or explained when there is none.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readTextOrEmpty } from '../util/optionalFiles.js';
import type { Outcome } from './checks.js';
import { farmCandidates, farmIsFresh, findHeaderTrees, headerPackages, isCompleteTree, isModulesPair, placeHeaderFarm, treeRelease, type HeaderSource } from './headers.js';

const run = promisify(execFile);

export interface HeadersInfo {
  /** The header tree, or the kheaders tarball. */
  path: string;
  /** What the compiles are given as BCC_KERNEL_SOURCE; null where BCC finds the headers itself (kheaders, the modules pair). */
  kernelSource: string | null;
  source: HeaderSource;
  /** The release the headers were made for. */
  version: string;
  matchesRunningKernel: boolean;
}

const osRelease = (): string => readTextOrEmpty('/etc/os-release');

/** Loads the kheaders module (which provides /sys/kernel/kheaders.tar.xz) when it exists but is not loaded. */
async function tryLoadKheaders(): Promise<void> {
  try {
    await run('modprobe', ['-q', 'kheaders'], { timeout: 10_000 });
  } catch {
    // Not built as a module on this kernel: the other sources remain.
  }
}

/**
 * The headers BCC compiles against: the user's BCC_KERNEL_SOURCE when it is a complete tree,
 * else the best tree on the machine (merged when split, with `fix`). Reads the environment,
 * never writes it: what the compiles are given is HeadersInfo.kernelSource.
 */
export async function resolveHeaders(release: string, fix: boolean, warnings: string[]): Promise<{ outcome: Outcome; headers: HeadersInfo | null }> {
  const fromEnv = process.env.BCC_KERNEL_SOURCE;
  if (fromEnv) {
    if (isCompleteTree(fromEnv)) {
      const version = treeRelease(fromEnv) ?? 'unknown';
      const headers = { path: fromEnv, kernelSource: fromEnv, source: 'env' as const, version, matchesRunningKernel: version === release };
      return { outcome: headersOutcome(headers, release, 'from BCC_KERNEL_SOURCE'), headers };
    }
    warnings.push(`BCC_KERNEL_SOURCE=${fromEnv} is not a complete kernel header tree (no include/linux/kconfig.h or include/generated): ignored`);
  }

  const modulesBuild = path.join('/lib/modules', release, 'build');
  if (fix && !existsSync(path.join(modulesBuild, 'include/linux/kconfig.h')) && !existsSync('/sys/kernel/kheaders.tar.xz')) {
    await tryLoadKheaders();
  }

  const trees = findHeaderTrees('/', release);
  const best = trees[0];
  if (!best) {
    return {
      outcome: {
        id: 'headers',
        status: 'fail',
        detail: `no kernel headers found for ${release} (looked in ${modulesBuild}, /sys/kernel/kheaders.tar.xz, /usr/src)`,
        fix: await noHeadersFix(release),
      },
      headers: null,
    };
  }

  if (best.source === 'kheaders') {
    // BCC extracts the tarball itself when it is given no BCC_KERNEL_SOURCE.
    const headers = { path: best.layers[0]!, kernelSource: null, source: best.source, version: best.version, matchesRunningKernel: true };
    return { outcome: headersOutcome(headers, release, 'BCC extracts them itself'), headers };
  }

  if (isModulesPair(best, '/', release)) {
    // The kernel's own build/source pair: BCC reads both itself, nothing to merge.
    const headers = { path: best.layers[1]!, kernelSource: null, source: best.source, version: best.version, matchesRunningKernel: true };
    return { outcome: headersOutcome(headers, release, 'the build and source pair BCC reads itself'), headers };
  }

  const farmed = best.layers.length > 1;
  let treePath = best.layers[0]!;
  let how = `complete tree`;
  if (farmed) {
    let candidates: string[];
    try {
      candidates = farmCandidates(best.version);
    } catch (err) {
      return { outcome: { id: 'headers', status: 'fail', detail: (err as Error).message, fix: await noHeadersFix(release) }, headers: null };
    }
    // Named by the directories' own names: /lib/modules/<release>/{source,build} are links.
    const split = best.layers.map((layer) => path.basename(realpathSync(layer))).join(' + ');
    let farm = candidates.find((dest) => farmIsFresh(best.layers, dest)) ?? candidates[0]!;
    if (!farmIsFresh(best.layers, farm)) {
      if (!fix) {
        return {
          outcome: {
            id: 'headers',
            status: 'fail',
            detail: `split header tree ${split} is not merged yet`,
            fix: 'sudo npx ebpf-workshop doctor --fix (the workshop also merges it when it starts)',
            autoFixable: true,
          },
          headers: null,
        };
      }
      try {
        const placed = placeHeaderFarm(best.layers, candidates);
        farm = placed.path;
        const passedOver = placed.skipped.length ? ` (not writable: ${placed.skipped.join(', ')})` : '';
        warnings.push(`merged the split header tree ${split} into ${farm}${passedOver}`);
      } catch (err) {
        return {
          outcome: {
            id: 'headers',
            status: 'fail',
            detail: `could not merge the split header tree ${split}: ${(err as Error).message}`,
            fix: `make ${path.dirname(candidates[0]!)} writable, or point TMPDIR at a writable directory (or set BCC_KERNEL_SOURCE to a complete header tree)`,
          },
          headers: null,
        };
      }
    }
    treePath = farm;
    how = `merged from ${split}`;
  }
  const headers = { path: treePath, kernelSource: treePath, source: best.source, version: best.version, matchesRunningKernel: best.version === release };
  return { outcome: headersOutcome(headers, release, how), headers };
}

function headersOutcome(headers: HeadersInfo, release: string, how: string): Outcome {
  if (headers.matchesRunningKernel) {
    return { id: 'headers', status: 'pass', detail: `${headers.version} at ${headers.path} (${how})`, fix: null };
  }
  return {
    id: 'headers',
    status: 'warn',
    detail: `${headers.version} at ${headers.path} (${how}); the running kernel is ${release}`,
    fix: `optional, for headers of this very kernel: ${headerPackages(osRelease(), release).exact}`,
  };
}

/**
 * What to install. A kernel the package manager has no headers for (one built by hand, a
 * vendor's) gets no apt-get line that cannot work: its headers come from where it was built.
 */
async function noHeadersFix(release: string): Promise<string> {
  const hint = headerPackages(osRelease(), release);
  const aptPackage = /apt-get install (linux-headers-\S+)$/.exec(hint.exact)?.[1];
  if (aptPackage && !(await aptKnows(aptPackage))) return customKernelFix(release);
  return hint.generic ? `${hint.exact} (or, when no package exists for this kernel: ${hint.generic})` : hint.exact;
}

/** Does apt know a package of this name (in any source it has read)? */
async function aptKnows(name: string): Promise<boolean> {
  try {
    const { stdout } = await run('apt-cache', ['show', '--no-all-versions', name], { timeout: 10_000 });
    return stdout.trim().length > 0;
  } catch (e) {
    // apt-cache exits 100 for a name it does not know; without apt-cache, say what the distribution would.
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Where the headers of a kernel the distribution does not package come from. */
export function customKernelFix(release: string): string {
  return (
    `kernel ${release} is not one your package manager has headers for (a kernel built by hand or by a vendor): ` +
    'take them from the tree it was built in and point BCC_KERNEL_SOURCE at it (after `make modules_prepare` there), ' +
    'or install the headers package that came with the kernel, or rebuild it with CONFIG_IKHEADERS=y so it carries its own'
  );
}

export function mismatchWarning(headers: HeadersInfo, release: string): string {
  return `using headers ${headers.version} for kernel ${release}: fine for the tutorial's program, which uses only stable structs`;
}
