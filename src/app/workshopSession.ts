// The learner's workshop behind the screen, put together from its parts (app/session/): the
// kernel prepared and the level's target started, the learner's column (their file watched,
// checked and attached), the Expected column (the track's reference attached at the level),
// the live judge over what the learner's program captures, the level files (progress, reset,
// solution, hints), and the traffic. The full-screen app and the line-by-line mode both drive
// one of these and render its snapshots; nothing here knows about the terminal.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CaptureEvent } from '../capture/events.js';
import { onShutdown } from '../engine/shutdown.js';
import { prepareKernel, type AttachMode } from '../kernel/environment.js';
import { describeProblem, type Problem } from '../errors/problem.js';
import { describeEncrypted } from '../targets/listeningProcess.js';
import { TargetSlot, type Target } from '../targets/targets.js';
import type { TargetSpec } from '../tracks/levelSpec.js';
import { BuiltProgram, type LiveProgram } from '../pipeline/program.js';
import { warmUpCompiler } from '../engine/compilerProcess.js';
import { levelOf, targetOf, type Track } from '../tracks/tracks.js';
import { checkText, staticChecks } from '../check/staticChecks.js';
import { ExpectedColumn } from './session/expectedColumn.js';
import { LearnerColumn, type CheckedText } from './session/learnerColumn.js';
import { LevelFiles } from './session/levelFiles.js';
import { GRACE_MS, LiveJudge, type LiveVerdict } from './session/liveJudge.js';
import { FileWatcher, type WatchMode } from './fileWatcher.js';
import { ThrottledStore, Timer } from './store.js';
import { TrafficDriver, type SentRequest } from './trafficDriver.js';
import type { Phase, WorkshopOptions, WorkshopSnapshot } from './session/snapshot.js';

export { GRACE_MS, type LiveVerdict };

// Batches read but not yet handled, per output, before the kernel drops (and counts) events:
// the app shows the latest connections, so under wrk a smaller backlog than `run`'s bounds its memory.
const APP_RINGS = { maxBacklogBytes: 16 << 20 };
export type { Phase, WorkshopOptions, WorkshopSnapshot };

export class WorkshopSession {
  readonly store: ThrottledStore<WorkshopSnapshot>;
  readonly traffic: TrafficDriver;
  private readonly track: Track;
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
  private readonly learner: LearnerColumn<SentRequest>;
  private readonly expected: ExpectedColumn;
  private readonly judge = new LiveJudge();
  private passedLevel: number | null = null;
  private notice: string | null = null;
  private closing: Promise<void> | null = null;
  private removeShutdownHook: () => void = () => {};
  private readonly rejudge = new Timer(); // one timer each: under load, a timer per batch piled up
  private readonly graceOver = new Timer();

  constructor(private readonly options: WorkshopOptions) {
    this.absFile = path.resolve(options.file);
    this.track = options.track;
    this.level = levelOf(this.track, options.level).id;
    this.files = new LevelFiles(this.track, options.file);
    this.watchMode = options.poll ? 'polling' : 'events';
    this.expected = new ExpectedColumn(
      (level, onEvents) => this.openReference(level, onEvents),
      (captured) => (captured ? this.captured() : this.changed()), // its opens give the client ports
    );
    this.learner = new LearnerColumn<SentRequest>({
      file: options.file,
      absFile: this.absFile,
      check: (text, bytes, level) => this.checkLearnerText(text, bytes, level),
      level: () => this.level,
      attaches: (level) => levelOf(this.track, level).spec.expectedEvents.attach,
      closing: () => this.closing !== null,
      changed: () => this.changed(),
      attached: () => {
        // Both columns start over together, so the Expected one never shows connections the
        // learner's program was not attached for. bpf_ktime_get_ns() and process.hrtime()
        // both read CLOCK_MONOTONIC.
        this.expected.sinceNs = Number(process.hrtime.bigint());
        this.judge.restart(Date.now());
        this.clearCapture();
      },
      passedWithoutAttaching: (level) => this.levelPassed(level),
      captured: () => this.captured(),
    });
    this.traffic = new TrafficDriver(() => this.targets.current);
    this.traffic.on('reply', (reply) => {
      this.judge.answered(reply);
      this.changed();
    });
    this.traffic.on('change', () => this.changed());
    this.store = new ThrottledStore(() => this.snapshot());
  }

  private snapshot(): WorkshopSnapshot {
    const target = this.targets.current;
    return {
      phase: this.phase,
      step: this.step,
      fatal: this.fatal,
      file: this.options.file,
      attachMode: this.attachMode,
      warnings: this.warnings,
      server: target ? { url: target.url, pid: target.pid, wire: describeEncrypted(target.server.encrypted, 'short') } : null,
      levels: this.track.levels,
      level: this.level,
      completed: this.files.completed,
      watch: this.learner.watch,
      watchMode: this.watchMode,
      watchNote: this.watchNote,
      source: this.learner.source,
      expected: this.expected.status,
      learnerLog: this.learner.log,
      expectedLog: this.expected.log,
      captureVersion: this.learner.log.version * 100_003 + this.expected.log.version,
      traffic: { auto: this.traffic.auto, size: this.traffic.size, sent: this.traffic.sent, failed: this.traffic.failed, lastError: this.traffic.lastError },
      live: this.judge.verdict,
      passedLevel: this.passedLevel,
      hintsShown: this.files.hintsShown(this.level),
      lost: this.learner.lost,
      notice: this.notice,
    };
  }

  /** Something changed: judge the learner's capture if due, and publish (throttled). */
  private changed(): void {
    if (this.learner.program && this.learner.watch.status === 'attached' && levelOf(this.track, this.level).spec.expectedEvents.attach) {
      const learner = this.learner;
      const { passed, again } = this.judge.judge((requests) => learner.judge(requests, this.expected.clientPorts()) ?? []);
      if (again !== null) this.rejudge.at(again, () => this.changed());
      if (passed) this.levelPassed(this.level);
    }
    this.store.changed();
  }

  /** New events in a column: judge again, and turn "waiting" into "missing" after a while even if nothing else happens. */
  private captured(): void {
    this.judge.touch();
    this.changed();
    this.graceOver.after(GRACE_MS + 100, () => this.store.changed());
  }

  /** Prepares the kernel, starts the level's target and the watch, attaches the first level. */
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
      this.watcher.on('change', () => this.fileChanged(`${path.basename(this.absFile)} saved`));
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

  // ── the two columns ────────────────────────────────────────────────────────

  /** The track's reference built at the level and attached to the target: the Expected column's program. */
  private async openReference(level: number, onEvents: (batch: CaptureEvent[]) => void): Promise<LiveProgram> {
    const source = { text: readFileSync(this.track.reference, 'utf8'), fileName: path.basename(this.track.reference) };
    const built = await BuiltProgram.build({ source, track: this.track, level, attachMode: this.attachMode! });
    const program = built.attach(this.targets.current!, { judged: false, exchanges: false, perfBuffer: APP_RINGS });
    program.capture?.on('events', onEvents);
    return program;
  }

  /** The learner's text checked at the level: the text itself, the static checks, the build and the verifier. */
  private async checkLearnerText(text: string, bytes: Buffer, level: number): Promise<CheckedText<SentRequest>> {
    const textCheck = checkText(this.options.file, bytes);
    if (textCheck.status === 'fail') return { checks: [textCheck], program: null };
    const outcome = await staticChecks({ file: this.options.file, text, track: this.track, level, attachMode: this.attachMode! });
    // The learner will save again: have a compiler process up and waiting for it.
    warmUpCompiler();
    const built = outcome.program;
    return { checks: [textCheck, ...outcome.checks], program: built && { close: () => built.close(), attach: () => built.attach(this.targets.current!, { perfBuffer: APP_RINGS }) } };
  }

  /** The file changed (or the level did): a new version has to pass again before it shows as passing. */
  private fileChanged(reason: string): void {
    this.passedLevel = null;
    this.learner.change(reason);
  }

  private clearCapture(): void {
    this.learner.log.clear();
    this.expected.log.clear();
    this.judge.clear();
  }

  // ── levels ─────────────────────────────────────────────────────────────────

  setLevel(id: number): void {
    if (this.phase !== 'ready' || id === this.level || id < 0 || id >= this.track.levels.length) return;
    this.enterLevel(id, 'new level');
  }

  /** The level after the current one (after a pass, `n`). */
  nextLevel(): void {
    this.setLevel(Math.min(this.track.levels.length - 1, this.level + 1));
  }

  private enterLevel(id: number, reason: string): void {
    this.level = id;
    this.passedLevel = null;
    this.notice = null;
    this.clearCapture();
    const spec = targetOf(this.track, id);
    if (this.targets.current?.is(spec)) return this.levelReady(id, reason);
    // This level watches another target: both columns wait for it.
    this.learner.release();
    this.expected.discard();
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
    void this.expected.load(id);
    this.fileChanged(reason);
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

  // ── help and the level files ───────────────────────────────────────────────

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

  /** Detaches everything and stops the target; every caller awaits the same close. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.removeShutdownHook();
    this.traffic.stop();
    this.store.stop();
    this.rejudge.stop();
    this.graceOver.stop();
    this.expected.discard();
    await this.watcher?.close();
    this.learner.release();
    await this.targets.stop();
    this.phase = 'closed';
  }
}
