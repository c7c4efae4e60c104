// Runs an Ink app (on the terminal's alternate screen, unless the app is a scrolling log)
// and guarantees the way out: q, Ctrl-C
// (a key in raw mode, routed to quit), a signal, a render error or an uncaught exception all
// end the same way — the screen restored first, then everything detached and stopped, then
// the error (if any) printed as a Problem by the caller. Never a raw stack on the screen.
import { createElement, type ReactElement } from 'react';
import { render, type Instance } from 'ink';
import { onRelease, onShutdown } from '../engine/shutdown.js';
import { raiseInteractivePriority } from '../engine/priority.js';
import { describeProblem, type Problem } from '../errors/problem.js';
import { CrashBoundary } from './components/CrashBoundary.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface InkAppOptions {
  /** The app; `quit` ends it cleanly. */
  app: (quit: (problem?: Problem | null) => void) => ReactElement;
  /** Detaches and stops everything; runs after the screen is restored. */
  cleanup: () => Promise<void>;
  stdout?: NodeJS.WriteStream;
  /** Full screen on the alternate screen (default), or inline output that scrolls. */
  alternateScreen?: boolean;
}

export interface InkAppRun {
  /** Settles when the app has ended and everything is cleaned up: null, or what went wrong. */
  done: Promise<Problem | null>;
  /** Ends the app from outside (with the problem to report, if any). */
  quit: (problem?: Problem | null) => void;
}

export function runInkApp(options: InkAppOptions): InkAppRun {
  const stdout = options.stdout ?? process.stdout;
  const alternate = options.alternateScreen ?? true;
  let instance: Instance | null = null;
  let screenRestored = false;
  let finishing: Promise<void> | null = null;
  let resolveRun: (problem: Problem | null) => void = () => {};
  const done = new Promise<Problem | null>((resolve) => (resolveRun = resolve));

  const restoreScreen = () => {
    if (screenRestored) return;
    screenRestored = true;
    try {
      instance?.unmount();
    } catch {
      // Unmounting a crashed tree may throw; the screen still has to come back.
    }
    stdout.write((alternate ? LEAVE_ALT_SCREEN : '') + SHOW_CURSOR);
  };

  const finish = (problem: Problem | null) => {
    finishing ??= (async () => {
      restoreScreen();
      try {
        await options.cleanup();
      } catch (e) {
        problem ??= describeProblem(e);
      }
      removeRelease();
      removeShutdown();
      process.off('uncaughtException', crash);
      process.off('unhandledRejection', crash);
      resolveRun(problem);
    })();
    return finishing;
  };
  const quit = (problem: Problem | null = null) => void finish(problem);
  const crash = (error: unknown) => void finish(describeProblem(error));

  // However the process ends, the terminal is given back (a synchronous write at exit).
  const removeRelease = onRelease(restoreScreen);
  // A signal: restore and clean up before shutdown.ts exits with the signal's status.
  const removeShutdown = onShutdown(() => finish(null));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  if (alternate) stdout.write(ENTER_ALT_SCREEN);
  instance = render(createElement(CrashBoundary, { onCrash: crash }, options.app(quit)), {
    stdout,
    exitOnCtrlC: false,
    patchConsole: true,
    // Renders driven by events are throttled by the store (store.ts); this limit only spaces
    // the frames, and a key pressed just after an event-driven frame waits for it.
    maxFps: 60,
  });
  // Keys and frames ahead of a load on the same machine (wrk and the demo server): engine/priority.ts.
  raiseInteractivePriority();
  return { done, quit };
}
