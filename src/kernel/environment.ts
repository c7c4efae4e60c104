// Everything the kernel side needs before a BCC program can be compiled and attached:
// privileges, tracefs, headers (BCC_KERNEL_SOURCE), and which attach mode this kernel allows.
// `prepareKernel()` fixes what it safely can and throws a WorkshopError (an ENV_ code) for the rest;
// `checkEnvironment()` reports every item without throwing, for `doctor`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { addon } from '../native/addon.js';
import { environmentError, type Check } from './checks.js';
import { detectFeatures, resolveAttachMode, type AttachMode, type AttachRequest, type KernelFeatures } from './features.js';
import { farmCandidates, farmIsFresh, findHeaderTrees, headerPackages, isCompleteTree, isModulesPair, placeHeaderFarm, treeRelease, type HeaderSource } from './headers.js';
import { readPrivileges } from './privileges.js';
import { assessPlatform, detectConfinement, readLockdown, readPlatformFacts } from './platform.js';
import { kernelRelease as runningRelease, parseVersion, atLeast } from './release.js';
import { ensureTracefs } from './tracefs.js';
import { warmUpCompiler } from '../engine/compilerProcess.js';
import { isWorkshopError } from '../errors/workshopError.js';

export { environmentError, formatEnvironmentError, isEnvironmentError, type Check, type CheckId, type CheckStatus } from './checks.js';
export type { AttachMode, AttachRequest, KernelFeatures } from './features.js';

export { HEADER_CACHE_DIR } from './headers.js';

export interface HeadersInfo {
  /** What BCC compiles against: the directory in BCC_KERNEL_SOURCE, or the kheaders tarball. */
  path: string;
  source: HeaderSource;
  /** The release the headers were made for. */
  version: string;
  matchesRunningKernel: boolean;
}

export interface KernelEnvironment {
  attachMode: AttachMode;
  kernelRelease: string;
  headers: HeadersInfo;
  tracefsPath: string;
  features: KernelFeatures;
  /** Things that work but the learner should know (mismatched headers, what was mounted). */
  warnings: string[];
}

export interface PrepareOptions {
  /** Which way to hook syscalls; default 'auto'. */
  attach?: AttachRequest;
  /** Apply the safe fixes (mount tracefs, build the header farm); default true. */
  fix?: boolean;
}

/** Every check's outcome, and what was resolved along the way (null where a check failed). */
export interface EnvironmentReport {
  /** No check failed: the workshop can run (possibly after the fixes `start` applies itself). */
  ok: boolean;
  checks: Check[];
  kernelRelease: string;
  attachMode: AttachMode | null;
  headers: HeadersInfo | null;
  tracefsPath: string | null;
  features: KernelFeatures | null;
  warnings: string[];
}

/** A check's outcome inside the survey: `autoFixable` failures are the ones `fix` would repair. */
interface Outcome extends Check {
  autoFixable?: boolean;
}

/** The libbcc the addon was built against, or null when the addon cannot be loaded. */
export function libbccVersion(): string | null {
  try {
    return addon().libbccVersion;
  } catch {
    return null;
  }
}

/** The command the learner ran, prefixed with sudo: what to type when privileges fall short. */
function sudoCommand(): string {
  const args = process.argv.slice(2).join(' ');
  return `sudo npx ebpf-workshop ${args || 'start'}`.trim();
}

/** The BCC_KERNEL_SOURCE this process set, so a later survey does not mistake it for the user's. */
let kernelSourceWeSet: string | undefined;

function osRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** Loads the kheaders module (which provides /sys/kernel/kheaders.tar.xz) when it exists but is not loaded. */
function tryLoadKheaders(): void {
  try {
    execFileSync('modprobe', ['-q', 'kheaders'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // Not built as a module on this kernel: the other sources remain.
  }
}

function resolveHeaders(release: string, fix: boolean, warnings: string[]): { outcome: Outcome; headers: HeadersInfo | null } {
  const fromEnv = process.env.BCC_KERNEL_SOURCE;
  if (fromEnv && fromEnv !== kernelSourceWeSet) {
    if (isCompleteTree(fromEnv)) {
      const version = treeRelease(fromEnv) ?? 'unknown';
      const headers = { path: fromEnv, source: 'env' as const, version, matchesRunningKernel: version === release };
      return { outcome: headersOutcome(headers, release, 'from BCC_KERNEL_SOURCE'), headers };
    }
    warnings.push(`BCC_KERNEL_SOURCE=${fromEnv} is not a complete kernel header tree (no include/linux/kconfig.h or include/generated): ignored`);
    delete process.env.BCC_KERNEL_SOURCE;
  }

  const modulesBuild = path.join('/lib/modules', release, 'build');
  if (fix && !existsSync(path.join(modulesBuild, 'include/linux/kconfig.h')) && !existsSync('/sys/kernel/kheaders.tar.xz')) {
    tryLoadKheaders();
  }

  const trees = findHeaderTrees('/', release);
  const best = trees[0];
  if (!best) {
    return {
      outcome: {
        id: 'headers',
        status: 'fail',
        detail: `no kernel headers found for ${release} (looked in ${modulesBuild}, /sys/kernel/kheaders.tar.xz, /usr/src)`,
        fix: noHeadersFix(release),
      },
      headers: null,
    };
  }

  if (best.source === 'kheaders') {
    // BCC extracts the tarball itself when BCC_KERNEL_SOURCE is unset.
    if (process.env.BCC_KERNEL_SOURCE === kernelSourceWeSet) delete process.env.BCC_KERNEL_SOURCE;
    const headers = { path: best.layers[0]!, source: best.source, version: best.version, matchesRunningKernel: true };
    return { outcome: headersOutcome(headers, release, 'BCC extracts them itself'), headers };
  }

  if (isModulesPair(best, '/', release)) {
    // The kernel's own build/source pair: BCC reads both itself, nothing to merge.
    if (process.env.BCC_KERNEL_SOURCE === kernelSourceWeSet) delete process.env.BCC_KERNEL_SOURCE;
    const headers = { path: best.layers[1]!, source: best.source, version: best.version, matchesRunningKernel: true };
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
      return { outcome: { id: 'headers', status: 'fail', detail: (err as Error).message, fix: noHeadersFix(release) }, headers: null };
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
  process.env.BCC_KERNEL_SOURCE = treePath;
  kernelSourceWeSet = treePath;
  const headers = { path: treePath, source: best.source, version: best.version, matchesRunningKernel: best.version === release };
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

function noHeadersFix(release: string): string {
  const hint = headerPackages(osRelease(), release);
  return hint.generic ? `${hint.exact} (or, when no package exists for this kernel: ${hint.generic})` : hint.exact;
}

function mismatchWarning(headers: HeadersInfo, release: string): string {
  return `using headers ${headers.version} for kernel ${release}: fine for the tutorial's program, which uses only stable structs`;
}

/**
 * Runs every check in order, stopping each line of checks at the first thing it depends on
 * that failed. Never throws.
 */
async function survey(options: { attach: AttachRequest; fix: boolean; fixableAsWarning: boolean }): Promise<EnvironmentReport> {
  const release = runningRelease();
  const kernel = parseVersion(release);
  const checks: Outcome[] = [];
  const warnings: string[] = [];
  const report = (): EnvironmentReport => {
    const final = checks.map(({ autoFixable, ...c }): Check =>
      autoFixable && options.fixableAsWarning && c.status === 'fail' ? { ...c, status: 'warn' } : c,
    );
    return {
      ok: !final.some((c) => c.status === 'fail'),
      checks: final,
      kernelRelease: release,
    attachMode,
    headers,
      tracefsPath,
      features,
      warnings,
    };
  };
  let attachMode: AttachMode | null = null;
  let headers: HeadersInfo | null = null;
  let tracefsPath: string | null = null;
  let features: KernelFeatures | null = null;

  const platform = assessPlatform(readPlatformFacts(release, kernel));
  checks.push({ id: 'platform', status: platform.ok ? 'pass' : 'fail', detail: platform.detail, fix: platform.fix });
  if (!platform.ok || !kernel) return report();

  const privileges = readPrivileges(kernel);
  if (privileges.ok) {
    checks.push({ id: 'privileges', status: 'pass', detail: privileges.detail, fix: null });
  } else {
    const confinement = detectConfinement();
    const root = process.geteuid?.() === 0;
    const inContainer = confinement && confinement !== 'wsl';
    checks.push({
      id: 'privileges',
      status: 'fail',
      detail: root && inContainer
        ? `running as root inside a ${confinement} container that withholds ${privileges.missing.join(' and ')}`
        : `loading eBPF programs needs root; this process is ${privileges.detail}`,
      fix: root && inContainer
        ? 'run the container with --privileged (or --cap-add SYS_ADMIN --cap-add BPF --cap-add PERFMON)'
        : sudoCommand(),
    });
  }
  // Without privileges the rest is still worth reporting, but nothing is changed, and
  // tracefs's contents (root-only) cannot be read.
  const fix = options.fix && privileges.ok;

  const lockdown = readLockdown();
  if (lockdown === 'confidentiality') {
    checks.push({
      id: 'lockdown',
      status: 'fail',
      detail: 'kernel lockdown is in confidentiality mode (Secure Boot): it forbids kprobes, tracefs and BPF reads of kernel memory',
      fix: 'disable Secure Boot in the firmware settings (or `sudo mokutil --disable-validation`), then reboot',
    });
    return report();
  }
  checks.push({
    id: 'lockdown',
    status: 'pass',
    detail: lockdown === 'integrity' ? 'lockdown integrity (Secure Boot): tracing is allowed' : 'no kernel lockdown',
    fix: null,
  });

  // libbcc before 0.26 looks for tracefs only under /sys/kernel/debug/tracing.
  const bcc = parseVersion(libbccVersion() ?? '');
  const onlyDebugPath = bcc !== null && !atLeast(bcc, 0, 26);
  const tracefs = ensureTracefs({ mount: fix, onlyDebugPath });
  if (tracefs.path) {
    tracefsPath = tracefs.path;
    if (tracefs.action) warnings.push(tracefs.action);
    checks.push({ id: 'tracefs', status: 'pass', detail: `${tracefs.path}${tracefs.action ? ` (${tracefs.action})` : ''}`, fix: null });
  } else {
    checks.push({
      id: 'tracefs',
      status: 'fail',
      detail: tracefs.error ? `not mounted, and mounting it failed: ${tracefs.error}` : 'not mounted (the workshop mounts it when it starts)',
      fix: tracefs.mountCommand,
      autoFixable: !tracefs.error,
    });
  }

  const resolved = resolveHeaders(release, fix, warnings);
  headers = resolved.headers;
  checks.push(resolved.outcome);
  if (headers && !headers.matchesRunningKernel) warnings.push(mismatchWarning(headers, release));

  if (!tracefsPath || !privileges.ok) return report();
  features = detectFeatures(tracefsPath);
  checks.push(
    features.kprobes
      ? { id: 'kprobes', status: 'pass', detail: 'available', fix: null }
      : { id: 'kprobes', status: 'warn', detail: 'not available in this kernel: the syscall tracepoints are used instead', fix: null },
    features.syscallTracepoints
      ? { id: 'syscall-tracepoints', status: 'pass', detail: 'available', fix: null }
      : { id: 'syscall-tracepoints', status: 'warn', detail: 'not available in this kernel (CONFIG_FTRACE_SYSCALLS is off)', fix: null },
  );
  try {
    attachMode = resolveAttachMode(options.attach, features);
    const why = options.attach === 'auto' ? (attachMode === 'kprobe' ? 'kprobes available' : 'no kprobes') : 'as requested';
    checks.push({ id: 'attach-mode', status: 'pass', detail: `${attachMode} (${why})`, fix: null });
  } catch (err) {
    if (!isWorkshopError(err, 'ENV_ATTACH_MODE')) throw err;
    checks.push({ id: 'attach-mode', status: 'fail', detail: err.message, fix: err.hint });
  }
  return report();
}

const prepared = new Map<string, Promise<KernelEnvironment>>();

/**
 * Makes the kernel ready for BCC and says how programs will attach: checks privileges,
 * mounts tracefs when missing, resolves headers and sets BCC_KERNEL_SOURCE, detects kprobe
 * and tracepoint support. Throws a WorkshopError (an ENV_ code) when the workshop cannot run. The result
 * is cached per process (a failure is not, so a retry after fixing things works).
 */
export function prepareKernel(options: PrepareOptions = {}): Promise<KernelEnvironment> {
  const attach = options.attach ?? 'auto';
  const fix = options.fix !== false;
  const key = `${attach}:${fix}`;
  let pending = prepared.get(key);
  if (!pending) {
    // A compile usually follows: let a compiler process start while we look at the kernel.
    warmUpCompiler();
    pending = survey({ attach, fix, fixableAsWarning: false }).then((r) => {
      const failed = r.checks.find((c) => c.status === 'fail');
      if (failed) throw environmentError(failed);
      return {
        attachMode: r.attachMode!,
        kernelRelease: r.kernelRelease,
        headers: r.headers!,
        tracefsPath: r.tracefsPath!,
        features: r.features!,
        warnings: r.warnings,
      };
    });
    prepared.set(key, pending);
    pending.catch(() => prepared.delete(key));
  }
  return pending;
}

/**
 * Every check as pass/warn/fail, never throwing. Without `fix`, what prepareKernel would
 * repair by itself (tracefs not mounted, header farm not built) is a warning, not a failure.
 */
export async function checkEnvironment(options: PrepareOptions = {}): Promise<EnvironmentReport> {
  return survey({ attach: options.attach ?? 'auto', fix: options.fix === true, fixableAsWarning: true });
}
