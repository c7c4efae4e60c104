// Every check of the machine, in order, each line of checks stopping at the first thing it
// depends on that failed: what `doctor` prints and what prepareKernel() decides from.
import { addon } from '../native/addon.js';
import { isWorkshopError } from '../errors/workshopError.js';
import { sudoCommand, type Check, type Outcome } from './checks.js';
import { detectFeatures, resolveAttachMode, type AttachMode, type AttachRequest, type KernelFeatures } from './features.js';
import { mismatchWarning, resolveHeaders, type HeadersInfo } from './headerCheck.js';
import { readPrivileges } from './privileges.js';
import { assessPlatform, detectConfinement, readLockdown, readPlatformFacts } from './platform.js';
import { kernelRelease as runningRelease, parseVersion, atLeast } from './release.js';
import { ensureTracefs } from './tracefs.js';

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

/** The libbcc the addon was built against, or null when the addon cannot be loaded. */
export function libbccVersion(): string | null {
  try {
    return addon().libbccVersion;
  } catch {
    return null;
  }
}

/**
 * Runs every check in order, stopping each line of checks at the first thing it depends on
 * that failed. Never throws.
 */
export async function survey(options: { attach: AttachRequest; fix: boolean; fixableAsWarning: boolean }): Promise<EnvironmentReport> {
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
  const tracefs = await ensureTracefs({ mount: fix, onlyDebugPath });
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

  const resolved = await resolveHeaders(release, fix, warnings);
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
