// What the session is given (the options of start), and what it publishes for the screen and
// the line-by-line mode to render: a plain snapshot, taken (throttled) whenever something
// changed. Types only.
import type { AttachMode, AttachRequest } from '../../kernel/environment.js';
import type { Problem } from '../../errors/problem.js';
import type { Level } from '../../tracks/levelSpec.js';
import type { Track } from '../../tracks/tracks.js';
import type { ConnectionLog } from '../connectionLog.js';
import type { WatchMode } from '../fileWatcher.js';
import type { WatchState } from '../watchMachine.js';
import type { ExpectedStatus } from './expectedColumn.js';
import type { LiveVerdict } from './liveJudge.js';

export interface WorkshopOptions {
  /** The learner's file, as they named it (shown in messages and locations). */
  file: string;
  track: Track;
  level: number;
  attach?: AttachRequest;
  /** Poll the file instead of waiting for file events (--poll). */
  poll?: boolean;
  /** Start with automatic traffic on. */
  autoTraffic?: boolean;
}

export type Phase = 'starting' | 'ready' | 'failed' | 'closed';

export interface WorkshopSnapshot {
  phase: Phase;
  /** What startup is doing now ("checking the kernel"). */
  step: string;
  /** Why startup failed. */
  fatal: Problem | null;
  file: string;
  attachMode: AttachMode | null;
  warnings: string[];
  /** wire: what a TLS target's sockets carried, in a few words (null: nothing to say). */
  server: { url: string; pid: number; wire?: string | null } | null;
  levels: Level[];
  level: number;
  completed: number[];
  watch: WatchState;
  watchMode: WatchMode;
  watchNote: string;
  /** The learner's file as last checked, for showing code around a diagnostic. */
  source: string;
  expected: ExpectedStatus;
  learnerLog: ConnectionLog;
  expectedLog: ConnectionLog;
  /** Changes whenever either log changes: what views memoise on. */
  captureVersion: number;
  traffic: { auto: boolean; size: number; sent: number; failed: number; lastError: string | null };
  live: LiveVerdict;
  /** The level just passed in this session (the app offers the next one). */
  passedLevel: number | null;
  hintsShown: number;
  lost: number;
  /** A passing message for the learner (a backup written, progress not saved…). */
  notice: string | null;
}
