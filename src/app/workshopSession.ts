// The learner's workshop behind the screen: the demo server, solution.c attached at the
// level (the Expected column), the learner's file watched, checked and attached (Your
// sniffer), traffic, and the level's live checks over what the learner's program captures.
// The full-screen app and the line-by-line mode both drive one of these and render its
// snapshots; nothing here knows about the terminal.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureEvent } from '../capture/events.js';
import { onShutdown } from '../engine/shutdown.js';
import { prepareKernel, type AttachMode, type AttachRequest } from '../kernel/environment.js';
import { describeProblem, type Problem } from '../errors/problem.js';
import { describeEncrypted } from '../targets/listeningProcess.js';
import { TargetSlot, type Target } from '../targets/targets.js';
import type { TargetSpec } from '../tracks/levelSpec.js';
import { BuiltProgram, type LiveProgram } from '../pipeline/program.js';
import { warmUpCompiler } from '../engine/compilerProcess.js';
import type { CheckResult } from '../report/checkReport.js';
import type { Level } from '../tracks/levelSpec.js';
import { levelOf, targetOf, type Track } from '../tracks/tracks.js';
import { checkText, staticChecks } from '../check/staticChecks.js';
import { adviseInApp } from './session/advice.js';
import { LevelFiles } from './session/levelFiles.js';
import { ConnectionLog } from './connectionLog.js';
import { FileWatcher, type WatchMode } from './fileWatcher.js';
import { ThrottledStore } from './store.js';
import { TrafficDriver, type SentRequest } from './trafficDriver.js';
import { initialWatchState, watchReducer, type WatchEvent, type WatchState } from './watchMachine.js';

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

export interface LiveVerdict {
  checks: CheckResult[];
  passed: boolean;
}

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
  expected: { status: 'loading' | 'attached' | 'failed'; problem: string | null };
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

/** The live checks look at the last few requests sent since the learner's program attached. */
const REQUESTS_JUDGED = 3;
const EVALUATE_EVERY_MS = 250;
/** How long an expected event waits for the learner's before it is flagged missing. */
export const GRACE_MS = 800;

export class WorkshopSession {
  readonly store: ThrottledStore<WorkshopSnapshot>;
  readonly traffic: TrafficDriver;
  private readonly track: Track;
  private readonly levels: Level[];
  private readonly absFile: string;
  private phase: Phase = 'starting';
  private step = 'starting';
  private fatal: Problem | null = null;
  private attachMode: AttachMode | null = null;
  private warnings: string[] = [];
  private readonly targets = new TargetSlot();
  private watcher: FileWatcher | null = null;
  private watchMode: WatchMode;
  private watchNote = '';
  private level: number;
  private readonly files: LevelFiles;
  private watch: WatchState = initialWatchState;
  private source = '';
  private expected: LiveProgram | null = null;
  private expectedStatus: WorkshopSnapshot['expected'] = { status: 'loading', problem: null };
  private expectedToken = 0;
  private learner: LiveProgram | null = null;
  private attachedAt = 0;
  private attachedAtNs = 0;
  private readonly learnerLog = new ConnectionLog();
  private readonly expectedLog = new ConnectionLog();
  private requests: SentRequest[] = [];
  private live: LiveVerdict = { checks: [], passed: false };
  private liveDirty = false;
  private lastEvaluated = 0;
  private passedLevel: number | null = null;
  private lost = 0;
  private notice: string | null = null;
  private closing: Promise<void> | null = null;
  private removeShutdownHook: () => void = () => {};

  constructor(private readonly options: WorkshopOptions) {
    this.absFile = path.resolve(options.file);
    this.track = options.track;
    this.levels = options.track.levels;
    this.level = levelOf(this.track, options.level).id;
    this.files = new LevelFiles(this.track, options.file);
    this.watchMode = options.poll ? 'polling' : 'events';
    this.traffic = new TrafficDriver(() => this.targets.current);
    this.traffic.on('reply', (reply) => {
      this.requests = [...this.requests, reply].slice(-20);
      this.liveDirty = true;
      this.changed();
    });
    this.traffic.on('change', () => this.changed());
    this.store = new ThrottledStore(() => this.snapshot(), 50);
  }

  private snapshot(): WorkshopSnapshot {
    return {
      phase: this.phase,
      step: this.step,
      fatal: this.fatal,
      file: this.options.file,
      attachMode: this.attachMode,
      warnings: this.warnings,
      server: this.targets.current ? { url: this.targets.current.url, pid: this.targets.current.pid, wire: describeEncrypted(this.targets.current.server.encrypted, 'short') } : null,
      levels: this.levels,
      level: this.level,
      completed: this.files.completed,
      watch: this.watch,
      watchMode: this.watchMode,
      watchNote: this.watchNote,
      source: this.source,
      expected: this.expectedStatus,
      learnerLog: this.learnerLog,
      expectedLog: this.expectedLog,
      captureVersion: this.learnerLog.version * 100_003 + this.expectedLog.version,
      traffic: {
        auto: this.traffic.auto,
        size: this.traffic.size,
        sent: this.traffic.sent,
        failed: this.traffic.failed,
        lastError: this.traffic.lastError,
      },
      live: this.live,
      passedLevel: this.passedLevel,
      hintsShown: this.files.hintsShown(this.level),
      lost: this.lost,
      notice: this.notice,
    };
  }

  /** Something changed: re-judge the live checks if due, and publish (throttled). */
  private changed(): void {
    if (this.liveDirty && Date.now() - this.lastEvaluated >= EVALUATE_EVERY_MS) this.evaluateLive();
    else if (this.liveDirty) setTimeout(() => this.changed(), EVALUATE_EVERY_MS).unref();
    this.store.changed();
  }

  /** Prepares the kernel, starts the server and the watch, attaches the first level. */
  async start(): Promise<void> {
    this.removeShutdownHook = onShutdown(() => this.close());
    try {
      this.setStep('checking the kernel');
      const environment = await prepareKernel({ attach: this.options.attach ?? 'auto' });
      this.attachMode = environment.attachMode;
      this.warnings = environment.warnings;
      this.setStep('starting the demo server');
      await this.useTarget(targetOf(this.track, this.level));
      if (this.closing) return; // quit while it was starting: close() stops it
      this.watcher = new FileWatcher(this.absFile, { poll: this.options.poll });
      this.watcher.on('mode', (mode, why) => {
        this.watchMode = mode;
        this.watchNote = why;
        this.changed();
      });
      this.watcher.on('change', () => this.dispatch({ type: 'change', reason: `${path.basename(this.absFile)} saved` }));
      this.watcher.on('error', (e) => {
        this.notice = `watching ${this.options.file} failed (${e.message}); restart with --poll`;
        this.changed();
      });
      this.watcher.start();
      this.phase = 'ready';
      this.setStep('ready');
      this.enterLevel(this.level, 'first check');
      if (this.options.autoTraffic) this.traffic.setAuto(true);
    } catch (e) {
      this.phase = 'failed';
      this.fatal = describeProblem(e);
      this.store.publish();
    }
  }

  /** The level's target, started if it is not the one running; watched for an unexpected end. */
  private async useTarget(spec: TargetSpec): Promise<Target> {
    const before = this.targets.current;
    const target = await this.targets.use(spec);
    if (target !== before) this.restartWhenItDies(target);
    return target;
  }

  /** A target that dies is said in one line, naming the signal, and started again. */
  private restartWhenItDies(target: Target): void {
    target.server.onUnexpectedExit((_exit, description) => {
      if (this.closing || this.targets.current !== target) return;
      this.targets.restart().then(
        (restarted) => {
          if (this.closing) return;
          this.restartWhenItDies(restarted);
          this.enterLevel(this.level, 'the demo server restarted'); // attached again, to its new pid
          this.notice = `${description}; it was restarted (pid ${restarted.pid})`;
          this.changed();
        },
        (e: unknown) => {
          if (this.closing) return;
          this.notice = `${description}, and restarting it failed: ${describeProblem(e).message}`;
          this.changed();
        },
      );
    });
  }

  private setStep(step: string): void {
    this.step = step;
    this.store.publish();
  }

  // ── levels ─────────────────────────────────────────────────────────────────

  setLevel(id: number): void {
    if (this.phase !== 'ready' || id === this.level || id < 0 || id >= this.levels.length) return;
    this.enterLevel(id, 'new level');
  }

  /** The level after the current one (after a pass, `n`). */
  nextLevel(): void {
    this.setLevel(Math.min(this.levels.length - 1, this.level + 1));
  }

  private enterLevel(id: number, reason: string): void {
    this.level = id;
    this.passedLevel = null;
    this.notice = null;
    this.resetCapture();
    const spec = targetOf(this.track, id);
    if (this.targets.current?.is(spec)) return this.levelReady(id, reason);
    // This level watches another target: both columns wait for it.
    this.closeLearner();
    this.expected?.discard();
    this.expected = null;
    this.useTarget(spec).then(
      () => this.level === id && !this.closing && this.levelReady(id, reason),
      (e: unknown) => {
        if (this.closing) return;
        this.notice = `level ${id}'s target could not be started: ${describeProblem(e).message}`;
        this.changed();
      },
    );
  }

  private levelReady(id: number, reason: string): void {
    void this.loadExpected(id);
    this.dispatch({ type: 'change', reason });
  }

  private resetCapture(): void {
    this.learnerLog.clear();
    this.expectedLog.clear();
    this.live = { checks: [], passed: false };
  }

  /** solution.c, attached at the level: the Expected column. */
  private async loadExpected(level: number): Promise<void> {
    const token = ++this.expectedToken;
    this.expected?.discard();
    this.expected = null;
    this.expectedStatus = { status: 'loading', problem: null };
    this.changed();
    try {
      const source = { text: readFileSync(this.track.reference, 'utf8'), fileName: path.basename(this.track.reference) };
      const built = await BuiltProgram.build({ source, track: this.track, level, attachMode: this.attachMode! });
      if (token !== this.expectedToken || this.closing) {
        built.close();
        return;
      }
      const program = built.attach(this.targets.current!, { judged: false });
      program.capture?.on('events', (batch) => {
        // Only what happened since the learner's program was attached: a connection
        // already under way then is one it could not have seen whole.
        const events = batch.filter((e) => e.timestampNs === 0 || e.timestampNs >= this.attachedAtNs);
        if (events.length === 0) return;
        this.expectedLog.add(events);
        this.liveDirty = true; // the expected opens give the client ports
        this.changed();
        this.recheckLater();
      });
      this.expected = program;
      this.expectedStatus = { status: 'attached', problem: null };
    } catch (e) {
      if (token === this.expectedToken) this.expectedStatus = { status: 'failed', problem: describeProblem(e).message };
    }
    this.changed();
  }

  // ── the watch loop ─────────────────────────────────────────────────────────

  private dispatch(event: WatchEvent): void {
    // A new version of the file has to pass again before it is shown as passing.
    if (event.type === 'change') this.passedLevel = null;
    if (event.type === 'checked' && !event.ok) {
      event = { ...event, ...adviseInApp({ checks: event.checks, problem: event.problem ?? null }, this.options.file, existsSync(this.absFile)) };
    }
    const { state, effects } = watchReducer(this.watch, event);
    this.watch = state;
    for (const effect of effects) void this.check(effect.generation);
    this.changed();
  }

  /** One generation: detach the old program, check the file, attach it if it passes. */
  private async check(generation: number): Promise<void> {
    this.closeLearner();
    const level = this.level;
    const finish = (ok: boolean, checks: CheckResult[], problem: Problem | null = null) =>
      this.dispatch({ type: 'checked', generation, ok, checks, problem });
    try {
      const bytes = await readFile(this.absFile);
      this.source = bytes.toString('utf8');
      const textCheck = checkText(this.options.file, bytes);
      if (textCheck.status === 'fail') return finish(false, [textCheck]);
      const outcome = await staticChecks({ file: this.options.file, text: this.source, track: this.track, level, attachMode: this.attachMode! });
      // The learner will save again: have a compiler process up and waiting for it.
      warmUpCompiler();
      const checks = [textCheck, ...outcome.checks];
      const stale = this.watch.queued || this.closing !== null || level !== this.level;
      if (!outcome.program || stale) {
        outcome.program?.close();
        return finish(outcome.program !== null, checks);
      }
      if (!levelOf(this.track, level).spec.expectedEvents.attach) {
        // Level 0: compiled and accepted by the verifier is the whole of it.
        outcome.program.close();
        finish(true, checks);
        this.levelPassed(level);
        return;
      }
      this.learner = outcome.program.attach(this.targets.current!);
      this.learner.capture?.on('events', (events) => this.learnerCaptured(events));
      this.learner.capture?.on('exchange', () => {
        this.liveDirty = true;
        this.changed();
      });
      this.learner.capture?.on('lost', (count) => {
        this.lost += count;
        this.changed();
      });
      // Both columns start over together, so the Expected one never shows connections the
      // learner's program was not attached for.
      this.attachedAt = Date.now();
      // bpf_ktime_get_ns() and process.hrtime() both read CLOCK_MONOTONIC.
      this.attachedAtNs = Number(process.hrtime.bigint());
      this.resetCapture();
      finish(true, checks);
    } catch (e) {
      this.closeLearner();
      finish(false, [], describeProblem(e));
    }
  }

  private learnerCaptured(events: CaptureEvent[]): void {
    this.learnerLog.add(events);
    this.liveDirty = true;
    this.changed();
    this.recheckLater();
  }

  /** An expected event the learner's program has not matched turns from "waiting" to "missing" after a while: show that even if nothing else happens. */
  private recheckLater(): void {
    setTimeout(() => this.store.changed(), GRACE_MS + 100).unref();
  }

  private closeLearner(): void {
    this.learner?.discard();
    this.learner = null;
  }

  // ── progress ───────────────────────────────────────────────────────────────

  /** The level's live checks over what the learner's program captured from recent requests. */
  private evaluateLive(): void {
    this.liveDirty = false;
    this.lastEvaluated = Date.now();
    const level = levelOf(this.track, this.level);
    if (this.watch.status !== 'attached' || !this.learner || !level.spec.expectedEvents.attach) return;
    const answered = this.requests.filter((r) => r.startedAt >= this.attachedAt && r.status === 200);
    const learner = this.learner;
    const judge = (requests: SentRequest[]) => learner.judge(requests, this.expectedPorts());
    const recent = answered.slice(-REQUESTS_JUDGED);
    if (recent.length === 0) return;
    const checks = judge(recent);
    if (checks.every((c) => c.status === 'pass')) {
      this.live = { checks, passed: true };
      this.levelPassed(this.level);
      return;
    }
    // Not passing yet: the events of the newest requests may still be on their way, so a
    // failure is only told about requests answered a while ago.
    const settled = answered.filter((r) => Date.now() - r.answeredAt > GRACE_MS).slice(-REQUESTS_JUDGED);
    if (settled.length < answered.slice(-REQUESTS_JUDGED).length) {
      this.liveDirty = true;
      setTimeout(() => this.changed(), GRACE_MS).unref();
    }
    if (settled.length === 0) return;
    const settledChecks = judge(settled);
    this.live = { checks: settledChecks, passed: settledChecks.every((c) => c.status === 'pass') };
    if (this.live.passed) this.levelPassed(this.level);
  }

  /** The clients' ports as the expected column's open events saw them (when the replies do not say). */
  private expectedPorts(): number[] {
    return this.expectedLog.connections.flatMap((c) => (c.client && c.client.port > 0 ? [c.client.port] : []));
  }

  private levelPassed(level: number): void {
    if (this.passedLevel === level) return;
    this.passedLevel = level;
    this.notice = this.files.passed(level) ?? this.notice;
    this.changed();
  }

  /** Forgets what this file finished on this track and goes back to level 0; the file is left as it is. */
  startOver(): void {
    const notice = this.files.startOver();
    if (this.level !== 0) this.enterLevel(0, 'started over');
    this.passedLevel = null;
    this.notice = notice;
    this.changed();
  }

  // ── help ───────────────────────────────────────────────────────────────────

  /** Reveals the level's next hint; returns how many are shown now. */
  revealHint(): number {
    const shown = this.files.revealHint(this.level);
    this.changed();
    return shown;
  }

  /** The file as it stands once this level is done (what `s` shows). */
  solutionText(level = this.level): string {
    return this.files.solutionText(level);
  }

  levelStartText(level = this.level): string {
    return this.files.levelStartText(level);
  }

  /** Puts the learner's file back to where this level starts (the old one kept as a .bak file); the watch picks it up. */
  resetLevel(now = new Date()): string {
    const { backup, notice } = this.files.reset(this.level, now);
    this.notice = notice;
    this.changed();
    return backup;
  }

  // ── the end ────────────────────────────────────────────────────────────────

  /** Detaches everything and stops the server; every caller awaits the same close. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.removeShutdownHook();
    this.traffic.stop();
    this.store.stop();
    this.expectedToken++;
    await this.watcher?.close();
    this.closeLearner();
    this.expected?.discard();
    this.expected = null;
    await this.targets.stop();
    this.phase = 'closed';
  }
}
