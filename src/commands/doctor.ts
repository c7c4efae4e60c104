// `ebpf-workshop doctor`: every requirement of the kernel side as pass/warn/fail, with the
// command that fixes each. `--fix` applies the safe fixes; exit 0 when the workshop can run.
import type { Command } from 'commander';
import { checkEnvironment, libbccVersion, type Check, type EnvironmentReport } from '../kernel/environment.js';
import { loadTrialProgram } from '../kernel/trialProgram.js';
import { atLeast, parseVersion } from '../kernel/release.js';
import type { AttachMode, AttachRequest } from '../kernel/features.js';
import { attachDescription, loadTrack, trackIds } from '../tracks/tracks.js';
import { paint as paintIf, useColor } from '../report/formatReport.js';
import { attachOption } from './cliSupport.js';

interface DoctorOptions {
  json?: boolean;
  fix?: boolean;
  attach: AttachRequest;
}

function libbccCheck(): Check {
  const version = libbccVersion();
  if (version === null) {
    return {
      id: 'libbcc',
      status: 'fail',
      detail: 'the native addon over libbcc is not built or cannot load',
      fix: './scripts/setup.sh (or: npm run build)',
    };
  }
  const parsed = parseVersion(version);
  if (parsed && !atLeast(parsed, 0, 26)) {
    return {
      id: 'libbcc',
      status: 'warn',
      detail: `libbcc ${version} (older than 0.26: it needs tracefs under /sys/kernel/debug/tracing, i.e. debugfs mounted)`,
      fix: 'sudo mount -t debugfs nodev /sys/kernel/debug (doctor --fix does it)',
    };
  }
  return { id: 'libbcc', status: 'pass', detail: `libbcc ${version}`, fix: null };
}

/** The trial load, when everything it needs is in place; otherwise why it was not tried. */
async function ebpfCheck(report: EnvironmentReport, libbcc: Check): Promise<Check> {
  const blocking = report.checks.filter((c) => c.status !== 'pass' && ['platform', 'privileges', 'lockdown', 'tracefs'].includes(c.id));
  const headers = report.checks.find((c) => c.id === 'headers');
  if (!report.headers && headers) blocking.push(headers);
  if (libbcc.status === 'fail') blocking.push(libbcc);
  if (blocking.length > 0) {
    const ids = blocking.map((c) => c.id).join(', ');
    const fixable = blocking.every((c) => c.status === 'warn');
    return { id: 'ebpf', status: 'warn', detail: `not tried: ${ids} not ready`, fix: fixable ? 'sudo npx ebpf-workshop doctor --fix' : null };
  }
  try {
    const trial = await loadTrialProgram(report.headers?.kernelSource ?? null);
    return { id: 'ebpf', status: trial.ok ? 'pass' : 'fail', detail: trial.detail, fix: trial.ok ? null : 'see docs/troubleshooting.md' };
  } catch (err) {
    return { id: 'ebpf', status: 'fail', detail: `trial program failed: ${(err as Error).message}`, fix: 'see docs/troubleshooting.md' };
  }
}

/** "in tracepoint mode (http track), as uprobes on libssl (tls track)": the attach mode decides only syscall hooks. */
function attachByTrack(mode: AttachMode): string {
  const described = trackIds().flatMap((id) => {
    try {
      const track = loadTrack(id);
      const how = attachDescription(track.levels, track.levels.length - 1, mode);
      return [`${how.endsWith(' mode') ? 'in' : 'as'} ${how} (${id} track)`];
    } catch {
      return []; // a broken track says so when it is used; doctor is about the machine
    }
  });
  return described.length > 0 ? described.join(', ') : `in ${mode} mode`;
}

function renderHuman(report: EnvironmentReport, checks: Check[], ok: boolean): string {
  const colour = useColor(process.stdout);
  const paint = (code: string, text: string) => paintIf(colour, code, text);
  const statusColour = { pass: '32', warn: '33', fail: '31' } as const;
  const idWidth = Math.max(...checks.map((c) => c.id.length));
  const indent = ' '.repeat(2 + 4 + 2 + idWidth + 2);
  const lines = [`ebpf-workshop doctor: kernel ${report.kernelRelease}`, ''];
  for (const c of checks) {
    lines.push(`  ${paint(statusColour[c.status], c.status.padEnd(4))}  ${c.id.padEnd(idWidth)}  ${c.detail}`);
    if (c.fix && c.status !== 'pass') lines.push(`${indent}fix: ${c.fix}`);
  }
  // Notes the table already says (what --fix did) are not repeated.
  const notes = report.warnings.filter((n) => !checks.some((c) => c.detail.includes(n)));
  if (notes.length > 0) {
    lines.push('', ...notes.map((n) => `  note: ${n}`));
  }
  lines.push('');
  lines.push(
    ok
      ? paint(
          '32',
          report.attachMode
            ? `Ready: hooks will attach ${attachByTrack(report.attachMode)}.`
            : 'Ready: the workshop applies the fixes marked warn itself when it starts (or run doctor --fix now).',
        )
      : paint('31', 'Not ready: fix the failed items above, then run doctor again.'),
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that this machine can run the workshop: privileges, tracefs, kernel headers, BCC, attach mode')
    .option('--json', 'print one JSON object instead of the table')
    .option('--fix', 'apply the safe fixes: mount tracefs, merge split kernel headers')
    .addOption(attachOption('how programs hook syscalls: auto, kprobe or tracepoint'))
    .action(async (options: DoctorOptions) => {
      const report = await checkEnvironment({ attach: options.attach, fix: options.fix === true });
      const libbcc = libbccCheck();
      const ebpf = await ebpfCheck(report, libbcc);
      // libbcc after headers, the trial last: the order a learner fixes things in.
      const checks = [...report.checks];
      const afterHeaders = checks.findIndex((c) => c.id === 'headers') + 1;
      checks.splice(afterHeaders > 0 ? afterHeaders : checks.length, 0, libbcc);
      checks.push(ebpf);
      const ok = !checks.some((c) => c.status === 'fail');
      if (options.json) {
        const { attachMode, kernelRelease, headers, tracefsPath, features, warnings } = report;
        console.log(JSON.stringify({ ok, attachMode, kernelRelease, checks, headers, tracefsPath, features, warnings }, null, 2));
      } else {
        console.log(renderHuman(report, checks, ok));
      }
      process.exitCode = ok ? 0 : 2;
    });
}
