// The learner's file and what belongs to it, for the session: the levels it has done on the
// track (kept per file, tracks/progress.ts), the text a level starts from and ends with, a
// reset to the level's start (the old file kept as `<file>.bak-<time>`, never written through
// a link: util/learnerFiles.ts), starting over, and the hints revealed. Each change returns the
// sentence to tell the learner, if there is one; nothing here knows about the screen.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { levelOf, levelStartFile, type Track } from '../../tracks/tracks.js';
import { markCompleted, readProgress, startOver, type ProgressOptions } from '../../tracks/progress.js';
import { createFile, overwriteFile } from '../../util/learnerFiles.js';
import { isWorkshopError } from '../../errors/workshopError.js';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class LevelFiles {
  private done: number[];
  private readonly hints = new Map<number, number>();
  private readonly progress: ProgressOptions;

  /** `file` as the learner named it (for messages); `stateFile` for tests. */
  constructor(
    private readonly track: Track,
    private readonly file: string,
    stateFile?: string,
  ) {
    this.progress = { track: track.id, stateFile };
    this.done = readProgress(this.absFile, this.progress).completed;
  }

  get absFile(): string {
    return path.resolve(this.file);
  }

  /** The levels this file has done on this track. */
  get completed(): number[] {
    return this.done;
  }

  /** Records a passed level; returns a notice if it could not be saved. */
  passed(level: number): string | null {
    if (this.done.includes(level)) return null;
    try {
      this.done = markCompleted(level, this.absFile, this.progress).completed;
      return null;
    } catch (e) {
      this.done = [...this.done, level].sort((a, b) => a - b);
      return `level ${level} passed, but your progress could not be saved: ${message(e)}`;
    }
  }

  /** Forgets the levels this file has done on this track; returns what to tell the learner. */
  startOver(): string {
    try {
      this.done = startOver(this.absFile, this.progress).completed;
    } catch (e) {
      return `your progress could not be reset: ${message(e)}`;
    }
    return `started over: no level of ${this.file} counts as done now; the file itself is unchanged (x resets it)`;
  }

  /** Reveals the level's next hint; returns how many are shown now. */
  revealHint(level: number): number {
    const shown = Math.min(levelOf(this.track, level).hints.length, this.hintsShown(level) + 1);
    this.hints.set(level, shown);
    return shown;
  }

  hintsShown(level: number): number {
    return this.hints.get(level) ?? 0;
  }

  /** The file as it stands once the level is done (what `s` shows). */
  solutionText(level: number): string {
    return readFileSync(levelOf(this.track, level).step, 'utf8');
  }

  /** The file as the level starts: the previous level's finished file, or the track's start. */
  levelStartText(level: number): string {
    return readFileSync(levelStartFile(this.track, level), 'utf8');
  }

  /**
   * Puts the file back to where the level starts, keeping what it held as `<file>.bak-<time>`
   * (a file that is gone is simply made anew). Returns the backup's name ('' if none) and what
   * to tell the learner.
   */
  reset(level: number, now = new Date()): { backup: string; notice: string } {
    const start = readFileSync(levelStartFile(this.track, level));
    const backup = `${this.file}.bak-${timestamp(now)}`;
    const kept = existsSync(this.absFile);
    try {
      // A new file (never through a link there), then the file written in place, so it keeps its
      // owner and the editor's hold on it (never through a link either); or, gone, made anew.
      if (kept) {
        createFile(path.resolve(backup), readFileSync(this.absFile));
        overwriteFile(this.absFile, start);
      } else createFile(this.absFile, start);
    } catch (e) {
      if (!isWorkshopError(e, 'FILE_WRITE_REFUSED')) throw e;
      return { backup: '', notice: `${this.file} was not reset: ${e.message}` };
    }
    return { backup: kept ? backup : '', notice: `${this.file} is back at the start of level ${level}${kept ? `; your version is in ${backup}` : ''}` };
  }
}

function timestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}
