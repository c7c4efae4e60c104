// One live run of a learner's program, as `run` wants it: the kernel prepared, the file
// compiled for this kernel with the hooks of levels ≤ N, the track's target started, the
// hooks attached and the capture running. close() undoes every step, on a signal too.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KernelEnvironment } from '../kernel/environment.js';
import { onShutdown } from '../engine/shutdown.js';
import { Target } from '../targets/targets.js';
import { attachDescription, targetOf } from '../tracks/tracks.js';
import { BuiltProgram, prepareRun, type AttachOptions, type LevelRunOptions, type LiveProgram } from './program.js';

export interface LiveSessionOptions extends LevelRunOptions {
  /** Show every process's traffic, not only the target's. */
  allProcesses?: boolean;
  host?: string;
  port?: number;
  perfBuffer?: AttachOptions['perfBuffer'];
}

export class LiveSession {
  private closing: Promise<void> | undefined;
  private readonly removeShutdownHook: () => void;

  private constructor(
    readonly environment: KernelEnvironment,
    readonly target: Target,
    readonly live: LiveProgram,
  ) {
    this.removeShutdownHook = onShutdown(() => this.close());
  }

  static async open(options: LiveSessionOptions): Promise<LiveSession> {
    const progress = options.onProgress ?? (() => {});
    const environment = await prepareRun(options);

    const file = path.resolve(options.file);
    const text = await readFile(file, 'utf8');
    progress(`compiling and loading ${path.basename(file)} (${attachDescription(options.track.levels, options.level, environment.attachMode)})`);
    const program = await BuiltProgram.build({ source: { text, fileName: options.file }, track: options.track, level: options.level, attachMode: environment.attachMode });

    let target: Target | undefined;
    try {
      progress('starting the demo server');
      target = await Target.start(targetOf(options.track, options.level), { host: options.host, port: options.port });
      // A level that attaches nothing: compiling loaded the hooks, attach() checks them.
      if (program.attaches) progress('attaching the hooks');
      const live = program.attach(target, { allProcesses: options.allProcesses, perfBuffer: options.perfBuffer, judged: false });
      return new LiveSession(environment, target, live);
    } catch (e) {
      program.close();
      await target?.stop();
      throw e;
    }
  }

  get attachMode() {
    return this.environment.attachMode;
  }

  /** The target's process (the demo server). */
  get server() {
    return this.target.server;
  }

  get capture() {
    return this.live.capture;
  }

  get hooks() {
    return this.live.hooks;
  }

  get sniffer() {
    return this.live.program.sniffer;
  }

  /** Sends the track's request `count` times. Probes are attached by now. */
  async sendTraffic(count: number, size = 50, concurrency = 1) {
    return this.target.requests(count, size, concurrency);
  }

  /** Detaches everything and stops the target; every caller awaits the same close. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.removeShutdownHook();
    await this.live.close();
    await this.target.stop();
  }
}
