// Runs the real CLI as a learner would, in a child process, with a throwaway HOME and
// XDG_STATE_HOME so a passing check never writes progress into the real home directory.
// `check --json` output is parsed and validated against the report's zod schema, so a test
// that reads a field reads one the contract promises.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { checkReportSchema, type CheckReport, type CheckResult } from '../../src/report/checkReport.js';
import { loadedPrograms } from './bpftool.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * How the CLI is started: `tsx` runs src/cli.ts (what the tests see is the source as it
 * stands), `dist` runs the built dist/cli.js. EBPF_WORKSHOP_TEST_CLI=dist chooses the build.
 */
export type CliVia = 'tsx' | 'dist';

export interface CliResult {
  /** The exit status; a child killed by a signal (or the timeout) gives -1. */
  code: number;
  signal: string | null;
  /** The CLI process's own pid (so a test can tell it from the demo server's). */
  pid: number;
  /** Marks the CLI and every process it started (RUN_TAG_VARIABLE in their environment). */
  tag: string;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  /** An empty directory to run in (the learner's directory). */
  dir: string;
  /** The HOME the child sees. */
  home: string;
  /** The XDG_STATE_HOME the child sees: progress goes to <stateHome>/ebpf-workshop/progress.json. */
  stateHome: string;
  progressFile: string;
  remove(): void;
}

export interface CliOptions {
  workspace: Workspace;
  via?: CliVia;
  timeoutMs?: number;
  /** Extra environment for the child (after HOME and XDG_STATE_HOME are set). */
  env?: NodeJS.ProcessEnv;
}

/** A temporary learner's directory with its own HOME and state directory. */
export function makeWorkspace(prefix = 'ebpf-workshop-cli-'): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(root, 'work');
  const home = path.join(root, 'home');
  const stateHome = path.join(root, 'state');
  for (const d of [dir, home, stateHome]) mkdirSync(d);
  return {
    dir,
    home,
    stateHome,
    progressFile: path.join(stateHome, 'ebpf-workshop', 'progress.json'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A workspace for one test, removed when the test ends. */
export function testWorkspace(t: Test, prefix?: string): Workspace {
  const workspace = makeWorkspace(prefix);
  t.teardown(() => workspace.remove());
  return workspace;
}

function commandFor(via: CliVia): string[] {
  if (via === 'dist') return [path.join(repoRoot, 'dist', 'cli.js')];
  // Resolved from here: the child runs in a temp directory where `--import tsx` would not resolve.
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  return ['--import', `file://${tsx}`, path.join(repoRoot, 'src', 'cli.ts')];
}

function childEnv(workspace: Workspace, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: workspace.home, XDG_STATE_HOME: workspace.stateHome, ...extra };
  // Under sudo the tool writes progress into the invoking user's real home; never in a test.
  delete env.SUDO_UID;
  delete env.SUDO_GID;
  delete env.SUDO_USER;
  // tap sets these for its own children; the CLI is not a test.
  for (const key of Object.keys(env)) if (key.startsWith('TAP')) delete env[key];
  delete env.NODE_OPTIONS;
  return env;
}

/** `ebpf-workshop <args…>` in the workspace's directory; resolves whatever the exit status. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const via = options.via ?? (process.env.EBPF_WORKSHOP_TEST_CLI === 'dist' ? 'dist' : 'tsx');
  const tag = randomUUID();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...commandFor(via), ...args],
      {
        cwd: options.workspace.dir,
        env: { ...childEnv(options.workspace, options.env), [RUN_TAG_VARIABLE]: tag },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: string | null }) | null;
        const code = !failed ? 0 : typeof failed.code === 'number' ? failed.code : -1;
        resolve({ code, signal: failed?.signal ?? null, pid: child.pid ?? -1, tag, stdout, stderr });
      },
    );
  });
}

/** A long-running `ebpf-workshop <args…>` (a board, a server): the child, its pipes open. */
export function spawnCli(args: string[], options: CliOptions): ChildProcess {
  const via = options.via ?? (process.env.EBPF_WORKSHOP_TEST_CLI === 'dist' ? 'dist' : 'tsx');
  return spawn(process.execPath, [...commandFor(via), ...args], {
    cwd: options.workspace.dir,
    env: { ...childEnv(options.workspace, options.env), [RUN_TAG_VARIABLE]: randomUUID() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface CheckRun extends CliResult {
  /** The validated report; throws (from parseCheckReport) when stdout is not one. */
  report: CheckReport;
}

/**
 * Parses `check --json` output: exactly one JSON object, valid against checkReportSchema.
 * Throws an Error quoting what was printed otherwise (an error object, a stack trace…).
 */
export function parseCheckReport(stdout: string): CheckReport {
  const text = stdout.trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`check --json did not print one JSON object:\n${text.slice(0, 2000)}`);
  }
  const parsed = checkReportSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`check --json printed an object that is not a CheckReport (${parsed.error.message}):\n${text.slice(0, 2000)}`);
  }
  return parsed.data;
}

/** `check --json <args…>`, with the report parsed and validated. */
export async function runCheck(args: string[], options: CliOptions): Promise<CheckRun> {
  const result = await runCli(['check', '--json', ...args], options);
  return { ...result, report: parseCheckReport(result.stdout) };
}

/** The check with this id, or undefined. */
export function checkById(report: CheckReport, id: string): CheckResult | undefined {
  return report.checks.find((c) => c.id === id);
}

export function failedChecks(report: CheckReport): CheckResult[] {
  return report.checks.filter((c) => c.status === 'fail');
}

/** Node and V8 stack frames, or an uncaught error's name line: what a learner must never see. */
export const STACK_TRACE = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$|^(Type|Reference|Range|Syntax)?Error: |^node:internal|\bERR_[A-Z_]{4,}\b/m;

/** Inherited by everything the CLI starts, so its leftovers can be told from other tests'. */
export const RUN_TAG_VARIABLE = 'EBPF_WORKSHOP_TEST_RUN';

/** Our programs as the kernel lists them: the hooks, their tracepoint rewrites, the doctor's ws_ trials. */
const OUR_PROGRAM = /^(tracepoint__sys|syscall__probe|ws_)/;

/** Ids of the loaded BPF programs named like ours. */
export function ourProgramIds(): Set<number> {
  return new Set(loadedPrograms().filter((p) => p.name && OUR_PROGRAM.test(p.name)).map((p) => p.id));
}

/** Which processes hold each BPF program open (from /proc/<pid>/fdinfo: `prog_id:`). */
function programHolders(): Map<number, number[]> {
  const holders = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or a kernel thread
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) !== 'anon_inode:bpf-prog') continue;
        const id = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`/proc/${entry}/fdinfo/${fd}`, 'utf8'))?.[1];
        if (id) holders.set(Number(id), [...(holders.get(Number(id)) ?? []), Number(entry)]);
      } catch {
        // closed meanwhile
      }
    }
  }
  return holders;
}

function carriesTag(pid: number, tag: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${RUN_TAG_VARIABLE}=${tag}`);
  } catch {
    return false;
  }
}

/**
 * Programs named like ours, not loaded before the run, still loaded after it, and either held
 * by a process the run started or held by nobody (pinned). Programs other tests on this
 * machine hold are not this run's. The kernel frees a closed program a moment later, so this
 * waits up to `settleMs` for them to go.
 */
export async function programsLeftBehind(before: Set<number>, run: Pick<CliResult, 'tag'>, settleMs = 3000): Promise<number[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const fresh = [...ourProgramIds()].filter((id) => !before.has(id));
    const holders = programHolders();
    const left = fresh.filter((id) => {
      const pids = holders.get(id) ?? [];
      return pids.length === 0 || pids.some((pid) => carriesTag(pid, run.tag));
    });
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
