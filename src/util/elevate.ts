// Loading eBPF programs needs root. Run by a user, the commands that load programs start
// themselves again under sudo — saying so first — and only then: as root (a root login, a
// container, CI) nothing is elevated and no sudo is needed, and without sudo on the PATH the
// command goes on and reports plainly that it needs root.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';

export type Elevation =
  | { kind: 'none' }
  | { kind: 'sudo'; command: string; args: string[]; notice: string };

/** The first executable called name on PATH, or null. */
export function onPath(name: string, pathVariable = process.env.PATH ?? ''): string | null {
  for (const dir of pathVariable.split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether and how to start this process again as root: only when not root and sudo exists. */
export function planElevation(options: { uid: number; sudo: string | null; node: string; nodeArgs: string[]; script: string; args: string[] }): Elevation {
  if (options.uid === 0 || !options.sudo) return { kind: 'none' };
  return {
    kind: 'sudo',
    command: options.sudo,
    args: [options.node, ...options.nodeArgs, options.script, ...options.args],
    notice: 'ebpf-workshop needs root to load eBPF programs: running it again with sudo (it may ask for your password)',
  };
}

/**
 * Starts this command again under sudo when it needs root and we are not, and exits with its
 * status; returns when nothing was elevated (already root, or no sudo to do it).
 */
export function elevateOrContinue(): void {
  const plan = planElevation({
    uid: process.getuid?.() ?? 0,
    sudo: onPath('sudo'),
    node: process.execPath,
    nodeArgs: process.execArgv,
    script: process.argv[1]!,
    args: process.argv.slice(2),
  });
  if (plan.kind === 'none') return;
  process.stderr.write(`${plan.notice}\n`);
  const result = spawnSync(plan.command, plan.args, { stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`could not run sudo (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}): run the command as root\n`);
    process.exit(2);
  }
  process.exit(result.status ?? 128 + (result.signal ? osConstants.signals[result.signal] : 0));
}
