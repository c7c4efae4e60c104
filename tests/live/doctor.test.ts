// Must show (kernel environment): on this machine `doctor --json` finds everything needed and
// exits 0; without privileges it exits 2 and says to use sudo; prepareKernel() points
// BCC_KERNEL_SOURCE at headers a real compile that reads kernel structs succeeds with.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareKernel } from '../../src/kernel/environment.js';
import { kernelSourceFor } from '../../src/engine/compilerProcess.js';
import { BpfProgram } from '../../src/engine/bpfProgram.js';
import { isWorkshopError } from '../../src/errors/workshopError.js';
import { programsNamed } from '../helpers/bpftool.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const cli = ['--import', 'tsx', path.join(repo, 'src', 'cli.ts')];

/** What this kernel offers, read independently of the code under test. */
const kernelHasKprobes = existsSync('/sys/kernel/tracing/kprobe_events') || existsSync('/sys/bus/event_source/devices/kprobe');

/** Runs the CLI; resolves with exit code and output whatever the exit code. */
async function doctor(args: string[], options: { uid?: number } = {}) {
  const command = options.uid === undefined ? process.execPath : 'setpriv';
  // CAP_DAC_READ_SEARCH only: the unprivileged user can read a checkout in a root-only
  // directory (a fresh clone under mktemp -d), and still has none of the BPF privileges.
  // It runs the built CLI: tsx looks for package.json with access(2), which ignores
  // capabilities, and would take the sources for CommonJS there. tap adds a NODE_OPTIONS hook
  // to every child that writes under the checkout, which that user cannot: `env -u` drops it.
  const prefix =
    options.uid === undefined
      ? cli
      : [
          `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search',
          'env', '-u', 'NODE_OPTIONS', process.execPath, path.join(repo, 'dist', 'cli.js'),
        ];
  try {
    const { stdout, stderr } = await run(command, [...prefix, 'doctor', ...args], { cwd: repo, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Reads a kernel struct field: compiles only against real kernel headers. */
const programReadingTaskStruct = `
#include <linux/sched.h>
BPF_PERF_OUTPUT(events);
int doctor_live_probe(void *ctx) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  u32 tgid = 0;
  bpf_probe_read_kernel(&tgid, sizeof(tgid), &task->tgid);
  events.perf_submit(ctx, &tgid, sizeof(tgid));
  return 0;
}
`;

t.test('doctor --json reports a usable machine and exits 0', async (t) => {
  const { code, stdout } = await doctor(['--json', '--fix']);
  t.equal(code, 0, 'exit 0');
  const report = JSON.parse(stdout);
  t.equal(report.ok, true);
  t.equal(report.attachMode, kernelHasKprobes ? 'kprobe' : 'tracepoint');
  t.equal(report.kernelRelease, os.release());
  t.ok(report.headers, 'headers resolved');
  t.ok(existsSync(path.join(report.headers.path, 'include/linux/kconfig.h')) || report.headers.source === 'kheaders');

  const ids = report.checks.map((c: { id: string }) => c.id);
  t.same(ids, ['platform', 'privileges', 'lockdown', 'tracefs', 'headers', 'libbcc', 'kprobes', 'syscall-tracepoints', 'attach-mode', 'ebpf']);
  for (const check of report.checks) {
    t.match(check, { status: /^(pass|warn|fail)$/, detail: String }, check.id);
    t.not(check.status, 'fail', `${check.id}: ${check.detail}`);
  }
  const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
  t.equal(byId.ebpf.status, 'pass', 'a trivial program really loaded');
  t.equal(byId.kprobes.status, kernelHasKprobes ? 'pass' : 'warn');
  t.same(programsNamed('ebpf_workshop_trial'), [], 'the trial program was unloaded');
});

t.test('human output: aligned columns, no colour when not a TTY', async (t) => {
  const { code, stdout } = await doctor([]);
  t.equal(code, 0);
  t.notMatch(stdout, /\x1b\[/, 'no escape sequences');
  const rows = stdout.split('\n').filter((l) => /^ {2}(pass|warn|fail) /.test(l));
  t.equal(rows.length, 10, 'one row per check');
  const detailColumn = new Set(rows.map((l) => l.search(/(?<=^ {2}\w{4} {2}[\w-]+ +)\S/)));
  t.equal(detailColumn.size, 1, 'details start in one column');
  t.match(stdout, /^Ready: hooks will attach in (kprobe|tracepoint) mode \(http track\), as uprobes on libssl \(tls track\)\.$/m, "the attach mode for syscall hooks, uprobes for the TLS track");
});

const lacksKprobes = { skip: kernelHasKprobes ? 'this kernel has kprobes; every mode it lacks is covered by the unit tests' : false };
t.test('forcing an attach mode this kernel lacks: exit 2, with why and what to use', lacksKprobes, async (t) => {
  const missing = 'kprobe';
  const { code, stdout } = await doctor(['--json', '--attach', missing]);
  t.equal(code, 2);
  const report = JSON.parse(stdout);
  const attach = report.checks.find((c: { id: string }) => c.id === 'attach-mode');
  t.match(attach, { status: 'fail', detail: /no kprobes/, fix: /--attach tracepoint/ });
});

t.test('without privileges: exit 2, and the fix is sudo', async (t) => {
  const { code, stdout } = await doctor(['--json'], { uid: 65534 });
  t.equal(code, 2);
  const report = JSON.parse(stdout);
  t.equal(report.ok, false);
  const privileges = report.checks.find((c: { id: string }) => c.id === 'privileges');
  t.equal(privileges.status, 'fail');
  t.match(privileges.fix, /^sudo npx ebpf-workshop doctor --json$/);
});

t.test('prepareKernel gives every compile headers a real compile works with, and leaves the environment alone', async (t) => {
  const before = process.env.BCC_KERNEL_SOURCE;
  const env = await prepareKernel();
  t.equal(env.attachMode, kernelHasKprobes ? 'kprobe' : 'tracepoint');
  t.equal(env.tracefsPath.startsWith('/sys/kernel/'), true);
  if (env.headers.source !== 'kheaders') t.equal(kernelSourceFor(), env.headers.path, 'compiles are given the chosen tree');
  else t.equal(kernelSourceFor(), null, 'kheaders: BCC extracts them itself');
  t.equal(process.env.BCC_KERNEL_SOURCE, before, 'BCC_KERNEL_SOURCE is not written');
  t.equal(env.headers.matchesRunningKernel, env.headers.version === os.release());
  if (!env.headers.matchesRunningKernel) {
    t.match(env.warnings.join('\n'), `using headers ${env.headers.version} for kernel ${os.release()}`);
  }
  t.equal(await prepareKernel(), env, 'cached per process');

  const compiled = await BpfProgram.compile(programReadingTaskStruct);
  t.same(compiled.warnings, [], 'compiled without diagnostics');
  t.same(compiled.functionNames(), ['doctor_live_probe']);
  compiled.close();
});

const noKheaders = { skip: existsSync('/sys/kernel/kheaders.tar.xz') ? 'this kernel carries its own headers, BCC falls back to them' : false };
t.test('the same compile fails when BCC_KERNEL_SOURCE names no headers (the check above can fail)', noKheaders, async (t) => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'ebpf-workshop-no-headers-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const error = await BpfProgram.compile(programReadingTaskStruct, { kernelSource: empty }).then(
    (program) => (program.close(), null),
    (e: unknown) => e,
  );
  t.ok(isWorkshopError(error, 'COMPILE_FAILED'), 'the compile failed');
  t.match(isWorkshopError(error) ? error.raw : null, /kconfig\.h|not found|Unable to find kernel headers/);
});
