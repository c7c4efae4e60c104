// The watch loop as a small state machine. The learner's file is checked (compiled,
// verified, attached) one generation at a time:
//
//   idle ──change──▶ compiling ──ok──▶ attached
//                        │  ▲  └─fail─▶ broken
//                        │  └──change (queued while compiling, run when it ends)
//   attached | broken ──change──▶ compiling
//
// A result that belongs to an older generation is ignored: a save made while compiling
// always wins. The reducer is pure; `effects` says what the caller must start.
import type { Problem } from '../errors/problem.js';
import type { CheckResult } from '../report/checkReport.js';

export type WatchStatus = 'idle' | 'compiling' | 'attached' | 'broken';

export interface WatchState {
  status: WatchStatus;
  /** The generation being (or last) checked; 0 before the first. */
  generation: number;
  /** A change arrived while compiling: check again when this generation ends. */
  queued: boolean;
  /** The checks of the last finished generation. */
  checks: CheckResult[];
  /** Why the last attempt failed outside the checks (the environment, a crash), if it did. */
  problem: Problem | null;
  /** What the last change was about, for the status line ("clean.c saved", "level 3"). */
  reason: string;
}

export type WatchEvent =
  | { type: 'change'; reason: string }
  | { type: 'checked'; generation: number; ok: boolean; checks: CheckResult[]; problem?: Problem | null };

export type WatchEffect = { type: 'check'; generation: number };

export const initialWatchState: WatchState = { status: 'idle', generation: 0, queued: false, checks: [], problem: null, reason: '' };

export function watchReducer(state: WatchState, event: WatchEvent): { state: WatchState; effects: WatchEffect[] } {
  switch (event.type) {
    case 'change': {
      if (state.status === 'compiling') return { state: { ...state, queued: true, reason: event.reason }, effects: [] };
      const generation = state.generation + 1;
      return {
        state: { ...state, status: 'compiling', generation, queued: false, reason: event.reason },
        effects: [{ type: 'check', generation }],
      };
    }
    case 'checked': {
      if (state.status !== 'compiling' || event.generation !== state.generation) return { state, effects: [] };
      const finished: WatchState = {
        ...state,
        status: event.ok ? 'attached' : 'broken',
        checks: event.checks,
        problem: event.problem ?? null,
      };
      if (!state.queued) return { state: finished, effects: [] };
      const generation = state.generation + 1;
      return {
        state: { ...finished, status: 'compiling', generation, queued: false },
        effects: [{ type: 'check', generation }],
      };
    }
  }
}
