// The learner's column: their file checked one generation at a time (watchMachine.ts: a save
// while compiling always wins), attached when it passes, and what it captures; or, when it
// fails, what to tell them (advice.ts). How a text is checked and built, and where the
// program attaches, is passed in (the pipeline in the app, fakes in the unit test).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Exchange } from '../../capture/connectionTracker.js';
import type { CaptureEvent } from '../../capture/events.js';
import { describeProblem, type Problem } from '../../errors/problem.js';
import type { CheckResult } from '../../report/checkReport.js';
import { ConnectionLog } from '../connectionLog.js';
import { initialWatchState, watchReducer, type WatchEvent, type WatchState } from '../watchMachine.js';
import { adviseInApp } from './advice.js';

/** The learner's program once attached: its capture, its live checks, its release. */
export interface LearnerProgram<Request> {
  readonly capture: {
    on(event: 'events', listener: (batch: CaptureEvent[]) => void): unknown;
    on(event: 'exchange', listener: (exchange: Exchange) => void): unknown;
    on(event: 'lost', listener: (count: number) => void): unknown;
  } | null;
  judge(requests: Request[], knownPorts: number[]): CheckResult[];
  discard(): void;
}

/** A checked text: the checks, and the built program if it passed them. */
export interface CheckedText<Request> {
  checks: CheckResult[];
  program: { attach(): LearnerProgram<Request>; close(): void } | null;
}

export interface LearnerDeps<Request> {
  /** The file as the learner named it, and where it is. */
  file: string;
  absFile: string;
  /** The text check, the static checks, the build and the verifier, at `level`. */
  check(text: string, bytes: Buffer, level: number): Promise<CheckedText<Request>>;
  /** The level being worked on now (a check for another one is stale). */
  level(): number;
  attaches(level: number): boolean;
  closing(): boolean;
  /** Something on screen changed. */
  changed(): void;
  /** The program attached: both columns and the judge start over. */
  attached(): void;
  /** A level that attaches nothing passed by compiling and being verified. */
  passedWithoutAttaching(level: number): void;
  /** The program captured something (events or an exchange). */
  captured(): void;
}

export class LearnerColumn<Request> {
  readonly log = new ConnectionLog();
  watch: WatchState = initialWatchState;
  /** The file's text as last checked, for the code around a diagnostic. */
  source = '';
  lost = 0;
  program: LearnerProgram<Request> | null = null;

  constructor(private readonly deps: LearnerDeps<Request>) {}

  /** The file changed (or the level did): check it again. */
  change(reason: string): void {
    this.dispatch({ type: 'change', reason });
  }

  private dispatch(event: WatchEvent): void {
    if (event.type === 'checked' && !event.ok) {
      event = { ...event, ...adviseInApp({ checks: event.checks, problem: event.problem ?? null }, this.deps.file, existsSync(this.deps.absFile)) };
    }
    const { state, effects } = watchReducer(this.watch, event);
    this.watch = state;
    for (const effect of effects) void this.check(effect.generation);
    this.deps.changed();
  }

  /** One generation: detach the old program, check the file, attach it if it passes. */
  private async check(generation: number): Promise<void> {
    this.release();
    const level = this.deps.level();
    const finish = (ok: boolean, checks: CheckResult[], problem: Problem | null = null) => this.dispatch({ type: 'checked', generation, ok, checks, problem });
    try {
      const bytes = await readFile(this.deps.absFile);
      this.source = bytes.toString('utf8');
      const { checks, program } = await this.deps.check(this.source, bytes, level);
      const stale = this.watch.queued || this.deps.closing() || level !== this.deps.level();
      if (!program || stale) {
        program?.close();
        return finish(program !== null, checks);
      }
      if (!this.deps.attaches(level)) {
        // A level that attaches nothing: compiled and accepted by the verifier is the whole of it.
        program.close();
        finish(true, checks);
        return this.deps.passedWithoutAttaching(level);
      }
      const attached = program.attach();
      this.program = attached;
      attached.capture?.on('events', (events) => {
        this.log.add(events);
        this.deps.captured();
      });
      attached.capture?.on('exchange', () => this.deps.captured());
      attached.capture?.on('lost', (count) => {
        this.lost += count;
        this.deps.changed();
      });
      this.deps.attached();
      finish(true, checks);
    } catch (e) {
      this.release();
      finish(false, [], describeProblem(e));
    }
  }

  /** The level's live checks over what the program captured, for these requests. */
  judge(requests: Request[], knownPorts: number[]): CheckResult[] | null {
    return this.program && this.watch.status === 'attached' ? this.program.judge(requests, knownPorts) : null;
  }

  /** Detaches the program; a batch still on its way never lands. */
  release(): void {
    this.program?.discard();
    this.program = null;
  }
}
