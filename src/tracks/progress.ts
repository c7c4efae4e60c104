// The learner's progress: which levels are done, for each of their files (by its real path)
// and each track. A fresh clean.c starts at level 0 however far another file got. A tiny JSON
// file in the invoking user's XDG state directory (not root's, even under sudo), owned by that
// user and written only through src/util/learnerFiles (no links followed).
import { readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { invokingUser } from '../util/invokingUser.js';
import { ensureDirectory, replaceFile } from '../util/learnerFiles.js';
import { DEFAULT_TRACK } from './tracks.js';

const trackProgressSchema = z.object({
  completed: z.array(z.number().int().min(0)).default([]),
});
export type Progress = z.infer<typeof trackProgressSchema>;

// files: real path of the learner's file → track id → progress. (Version 1 kept one list for the
// user, which is what made a new directory open at level 4: it is read as no progress.)
const stateSchema = z.object({
  version: z.literal(2),
  files: z.record(z.string(), z.record(z.string(), trackProgressSchema)),
});
type State = z.infer<typeof stateSchema>;

export interface ProgressOptions {
  /** The track the levels belong to (default: the HTTP track). */
  track?: string;
  /** The state file (default: progressFile()). */
  stateFile?: string;
}

export function progressFile(env: NodeJS.ProcessEnv = process.env): string {
  const user = invokingUser(env);
  const home = user?.home ?? os.homedir();
  // Under sudo, XDG_STATE_HOME (if kept at all) may be root's: only trust it without sudo.
  const stateHome = !user && env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  return path.join(stateHome, 'ebpf-workshop', 'progress.json');
}

/** The key a learner's file is kept under: its real path, so `./clean.c` and a link to it agree. */
export function progressKey(learnerFile: string): string {
  try {
    return realpathSync(learnerFile);
  } catch {
    return path.resolve(learnerFile);
  }
}

function readState(stateFile: string): State {
  try {
    return stateSchema.parse(JSON.parse(readFileSync(stateFile, 'utf8')));
  } catch {
    return { version: 2, files: {} }; // missing, unreadable or the old format: start over rather than fail
  }
}

function writeState(stateFile: string, state: State): void {
  ensureDirectory(path.dirname(stateFile));
  replaceFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export function readProgress(learnerFile: string, options: ProgressOptions = {}): Progress {
  const state = readState(options.stateFile ?? progressFile());
  return state.files[progressKey(learnerFile)]?.[options.track ?? DEFAULT_TRACK] ?? { completed: [] };
}

/** The level to work on: the first one not done (the last level once all are). */
export function currentLevel(progress: Progress, levelCount: number): number {
  for (let id = 0; id < levelCount; id++) if (!progress.completed.includes(id)) return id;
  return levelCount - 1;
}

function update(learnerFile: string, options: ProgressOptions, change: (progress: Progress) => Progress): Progress {
  const stateFile = options.stateFile ?? progressFile();
  const state = readState(stateFile);
  const key = progressKey(learnerFile);
  const track = options.track ?? DEFAULT_TRACK;
  const tracks = (state.files[key] ??= {});
  const next = change(tracks[track] ?? { completed: [] });
  if (next.completed.length) tracks[track] = next;
  else delete tracks[track];
  if (Object.keys(tracks).length === 0) delete state.files[key];
  writeState(stateFile, state);
  return next;
}

export function markCompleted(level: number, learnerFile: string, options: ProgressOptions = {}): Progress {
  return update(learnerFile, options, (progress) =>
    progress.completed.includes(level) ? progress : { completed: [...progress.completed, level].sort((a, b) => a - b) },
  );
}

/** Forgets what this file finished on this track: it starts over at level 0. */
export function startOver(learnerFile: string, options: ProgressOptions = {}): Progress {
  return update(learnerFile, options, () => ({ completed: [] }));
}
