// What every command shares: the flags several take (--track, --level, --attach) and parsing
// numbers from flags, the track and level (validated against the track's data), progress lines
// and a Problem printed instead of a stack trace, waiting for Ctrl-C, and the learner's file
// (copied from the track's start when missing).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { describeProblem, exitCodeFor, formatProblem, type Problem } from '../errors/problem.js';
import { WorkshopError } from '../errors/workshopError.js';
import { DEFAULT_TRACK, levelOf, levelRange, loadTrack, trackIds, type Track } from '../tracks/tracks.js';
import { currentLevel, readProgress } from '../tracks/progress.js';
import { createFile } from '../util/learnerFiles.js';
import { lstatOrNull, statOrNull } from '../util/optionalFiles.js';
import type { AttachRequest } from '../kernel/features.js';

export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** --level's value: a whole number; whether the track has that level is checked once the track is known. */
function parseLevel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a level number (0, 1, 2, …)');
  return n;
}

function parseAttach(value: string): AttachRequest {
  if (value === 'auto' || value === 'kprobe' || value === 'tracepoint') return value;
  throw new InvalidArgumentError('expected auto, kprobe or tracepoint');
}

/** --track <id>, the tracks there are in its help; DEFAULT_TRACK without it. */
export function trackOption(): Option {
  return new Option('--track <id>', trackHelp()).default(DEFAULT_TRACK);
}

/** -l, --level <n>: `help` says what the command does at that level, and without it. */
export function levelOption(help: string): Option {
  return new Option('-l, --level <n>', help).argParser(parseLevel);
}

/** --attach <mode>: how programs hook system calls (auto, kprobe or tracepoint). */
export function attachOption(help = 'auto, kprobe or tracepoint'): Option {
  return new Option('--attach <mode>', help).argParser(parseAttach).default('auto');
}

/** --track's help: the tracks there are, with their levels, read from their data. */
function trackHelp(): string {
  const described = trackIds().map((id) => {
    try {
      const track = loadTrack(id);
      return `${id} (${track.title}, levels ${levelRange(track)})`;
    } catch {
      return id;
    }
  });
  return `the track: ${described.join('; ') || DEFAULT_TRACK}`;
}

/**
 * The command's track and level: the level given (a LEVEL_OUT_OF_RANGE error, exit 2, naming the track's
 * range if it has no such level), else `fallback`, else the first one the learner's file (which
 * may not exist yet: then level 0) has not done yet.
 */
export function trackAndLevel(
  options: { track?: string; level?: number },
  fallback?: number,
  learnerPath = 'clean.c',
): { track: Track; level: number } {
  const track = loadTrack(options.track ?? DEFAULT_TRACK);
  const wanted = options.level ?? fallback;
  const level = wanted === undefined ? currentLevel(readProgress(learnerPath, { track: track.id }), track.levels.length) : levelOf(track, wanted).id;
  return { track, level };
}

/** Says a slow step on stderr as it starts: `… compiling clean.c`. */
export function sayProgress(step: string): void {
  process.stderr.write(`… ${step}\n`);
}

/** sayProgress on a terminal; nothing under --json (`quiet`) or into a pipe. */
export function progressOnTerminal(quiet?: boolean): ((step: string) => void) | undefined {
  return quiet || !process.stderr.isTTY ? undefined : sayProgress;
}

/** Settles with the first SIGINT or SIGTERM: a command that serves until Ctrl-C waits on it. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** Prints a Problem a session ended on (the app's, after its screen closed) and sets the exit code. */
export function reportProblem(problem: Problem): void {
  process.stderr.write(`${formatProblem(problem)}\n`);
  process.exitCode = exitCodeFor(problem);
}

/** Prints the failure as a Problem (never a stack trace) and sets the exit code. */
export function fail(error: unknown, options: { verbose?: boolean; json?: boolean } = {}): number {
  const problem = describeProblem(error);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ type: 'error', ...problem, raw: options.verbose ? problem.raw : undefined })}\n`);
  } else {
    process.stderr.write(`${formatProblem(problem, options)}\n`);
    if (problem.kind === 'internal' && !options.verbose) process.stderr.write('  (this is a bug in ebpf-workshop; --verbose shows where)\n');
  }
  const code = exitCodeFor(problem);
  process.exitCode = code;
  return code;
}

/**
 * The learner's file. The default `clean.c` is created from the track's starting file
 * when the directory has none, owned by the learner even under sudo, and never through a link.
 */
export function learnerFile(file: string | undefined, track: Track, options: { quiet?: boolean } = {}): string {
  const chosen = file ?? 'clean.c';
  const found = lstatOrNull(chosen);
  if (found?.isDirectory() || (found?.isSymbolicLink() && statOrNull(chosen)?.isDirectory())) {
    throw new WorkshopError('FILE_IS_DIRECTORY', `${chosen} is a directory, not a BCC program`, { hint: `give the .c file you edit, e.g. ${path.join(chosen, 'clean.c')}` });
  }
  if (found && (!found.isSymbolicLink() || statOrNull(chosen))) return chosen;
  if (found) {
    throw new WorkshopError('FILE_BROKEN_LINK', `${chosen} is a symbolic link to a file that does not exist`, { hint: `remove the link (rm ${chosen}) to get a fresh starting file, or point it at your program` });
  }
  if (file !== undefined && path.basename(file) !== 'clean.c') {
    throw new WorkshopError('FILE_NOT_FOUND', `${file} does not exist`, { hint: 'give the path of your BCC program, or run in the directory that has your clean.c' });
  }
  try {
    createFile(chosen, readFileSync(track.start));
  } catch (error) {
    if (error instanceof WorkshopError && error.code === 'FILE_WRITE_REFUSED') throw new WorkshopError('FILE_NOT_WRITABLE', `could not create ${chosen}: ${error.message}`, { hint: 'run in a directory you can write to', cause: error });
    throw error;
  }
  if (!options.quiet) process.stderr.write(`created ${chosen}: your starting file for the workshop\n`);
  return chosen;
}
