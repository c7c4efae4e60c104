// One live run of a learner's program: the kernel prepared, the demo server started, the
// file compiled for this kernel, the hooks of levels ≤ N loaded and attached, the capture
// running. `run`, `check` and the app all start here; close() undoes every step.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { prepareKernel, type AttachRequest, type KernelEnvironment } from '../kernel/environment.js';
import { NativeServer } from '../targets/nativeServer.js';
import { sendRequests } from '../targets/traffic.js';
import { Sniffer, type AttachedHook } from '../sniffer/sniffer.js';
import { hooksUpTo, levelOf, type Track } from '../tracks/tracks.js';
import { onShutdown } from '../engine/shutdown.js';
import { Capture, type CaptureOptions } from '../capture/capture.js';

export interface LiveSessionOptions {
  file: string;
  track: Track;
  level: number;
  attach?: AttachRequest;
  /** Show every process's traffic, not only the demo server's. */
  allProcesses?: boolean;
  /** Share a running demo server (the app runs two sessions on one); else one is started. */
  server?: NativeServer;
  host?: string;
  port?: number;
  perfBuffer?: CaptureOptions['perfBuffer'];
  /** Told about each slow step as it starts, for spinners and progress lines. */
  onProgress?: (step: string) => void;
}

export class LiveSession {
  private closing: Promise<void> | undefined;
  private readonly removeShutdownHook: () => void;

  private constructor(
    readonly environment: KernelEnvironment,
    readonly server: NativeServer,
    private readonly ownsServer: boolean,
    readonly sniffer: Sniffer,
    readonly hooks: AttachedHook[],
    readonly capture: Capture | null,
  ) {
    this.removeShutdownHook = onShutdown(() => this.close());
  }

  static async open(options: LiveSessionOptions): Promise<LiveSession> {
    const progress = options.onProgress ?? (() => {});
    progress('checking the kernel');
    const environment = await prepareKernel({ attach: options.attach ?? 'auto' });

    const file = path.resolve(options.file);
    const text = await readFile(file, 'utf8');
    progress(`compiling and loading ${path.basename(file)} (${environment.attachMode} mode)`);
    const sniffer = await Sniffer.build({ text, fileName: options.file }, environment.attachMode, {
      load: hooksUpTo(options.track, options.level).map((h) => h.name),
    });

    let server = options.server;
    const ownsServer = !server;
    try {
      if (!server) {
        progress('starting the demo server');
        server = await NativeServer.start({ host: options.host, port: options.port });
      }
      const attach = levelOf(options.track, options.level).spec.expectedEvents.attach;
      if (attach) progress('attaching the hooks'); // a level that attaches nothing: compiling loaded them
      const hooks = sniffer.start(
        hooksUpTo(options.track, options.level).map((h) => h.name),
        { attach },
      );
      const capture = attach
        ? new Capture(sniffer, { onlyPid: options.allProcesses ? null : server.pid, perfBuffer: options.perfBuffer })
        : null;
      return new LiveSession(environment, server, ownsServer, sniffer, hooks, capture);
    } catch (e) {
      sniffer.close();
      if (ownsServer) await server?.stop();
      throw e;
    }
  }

  get attachMode() {
    return this.environment.attachMode;
  }

  /** Sends the tutorial's request `count` times (IPv4, like `curl -4`). Probes are attached by now. */
  async sendTraffic(count: number, size = 50, concurrency = 1) {
    return sendRequests({ host: this.server.host, port: this.server.port, size, count, concurrency });
  }

  /** Detaches everything and stops the server (if ours); every caller awaits the same close. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.removeShutdownHook();
    this.sniffer.close();
    // Batches read before the stop are still on their way to this thread: let them land.
    await this.capture?.finishWhenDrained();
    if (this.ownsServer) await this.server.stop();
  }
}
