// The learner's progress: which levels of each track are done. A tiny JSON file in the invoking user's
// XDG state directory (not root's, even under sudo), owned by that user.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { giveToInvokingUser, invokingUser } from '../util/invokingUser.js';

const levelList = z.array(z.number().int().min(0));
const progressSchema = z.object({
  /** The http track's levels (the first track: its progress stays where it always was). */
  completed: levelList.default([]),
  /** Every other track's, by id. */
  tracks: z.record(z.string(), levelList).default({}),
});
export type Progress = z.infer<typeof progressSchema>;

export function progressFile(env: NodeJS.ProcessEnv = process.env): string {
  const user = invokingUser(env);
  const home = user?.home ?? os.homedir();
  // Under sudo, XDG_STATE_HOME (if kept at all) may be root's: only trust it without sudo.
  const stateHome = !user && env.XDG_STATE_HOME ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  return path.join(stateHome, 'ebpf-workshop', 'progress.json');
}

export function readProgress(file = progressFile()): Progress {
  try {
    return progressSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { completed: [], tracks: {} }; // missing or unreadable: start over rather than fail
  }
}

/** The levels of the track done so far. */
export function completedLevels(progress: Progress, track = 'http'): number[] {
  return track === 'http' ? progress.completed : (progress.tracks[track] ?? []);
}

/** The level to work on: the first one not done (the last level once all are). */
export function currentLevel(progress: Progress, levelCount: number, track = 'http'): number {
  const completed = completedLevels(progress, track);
  for (let id = 0; id < levelCount; id++) if (!completed.includes(id)) return id;
  return levelCount - 1;
}

export function markCompleted(level: number, file = progressFile(), track = 'http'): Progress {
  const progress = readProgress(file);
  const completed = completedLevels(progress, track);
  if (!completed.includes(level)) {
    const updated = [...completed, level].sort((a, b) => a - b);
    if (track === 'http') progress.completed = updated;
    else progress.tracks = { ...progress.tracks, [track]: updated };
  }
  const dir = path.dirname(file);
  const created = mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temp, file);
  // Give back to the learner everything we created, from the first new directory down.
  if (created) {
    for (let p = dir; p.startsWith(created) && p !== path.dirname(created); p = path.dirname(p)) giveToInvokingUser(p);
  }
  giveToInvokingUser(file);
  return progress;
}
