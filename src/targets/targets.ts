// What a track's programs watch, by the names track.json gives them: a server started on
// loopback (the hooks keep its pid's events only) and the request sent to it. Adding a
// target is one entry in SERVERS or REQUESTS; tracks then name it in their data.
import type { TargetSpec } from '../tracks/levelSpec.js';
import type { ListeningProcess } from './listeningProcess.js';
import { NativeServer } from './nativeServer.js';
import { sendFromPythonClient, startHttpsDemoServer, startPythonHttpsServer } from './tlsServers.js';
import { sendRequests, sendTutorialRequest, type TrafficSummary, type TutorialReply } from './traffic.js';

export interface TargetStartOptions {
  /** Address to listen on; loopback unless asked otherwise. */
  host?: string;
  /** Port to try first; 0 picks any free port. */
  port?: number;
}

const SERVERS: Record<string, (options: TargetStartOptions) => Promise<ListeningProcess>> = {
  /** The native demo server, plain HTTP: accept4, read, write, close. */
  'demo-http': (options) => NativeServer.start(options),
  /** The native demo server's HTTPS listener: OpenSSL's SSL_read and SSL_write. */
  'demo-https': (options) => startHttpsDemoServer(options),
  /** Python's http.server wrapped in ssl: OpenSSL's SSL_read_ex and SSL_write_ex. */
  'python-https': (options) => startPythonHttpsServer(options),
};

type SendRequest = (server: ListeningProcess, size: number) => Promise<TutorialReply>;

/** The tutorial's `curl -X POST …/customResponse -d '{"size": N}'`, over TLS when the server speaks it. */
const tutorialPost: SendRequest = (server, size) => sendTutorialRequest({ host: server.host, port: server.port, size, tls: isTls(server) });

const REQUESTS: Record<string, SendRequest> = {
  'tutorial-post': tutorialPost,
  /**
   * The same, then once more from a second client in a process of its own that goes through the
   * system's libssl (Python's): what a program's pid filter must leave out. The reply is the
   * first client's.
   */
  'tutorial-post-and-libssl-client': async (server, size) => {
    const reply = await tutorialPost(server, size);
    await sendFromPythonClient(server, size);
    return reply;
  },
};

/** Does the server speak HTTPS (the TLS track's targets)? */
export function isTls(server: ListeningProcess): boolean {
  return server.url.startsWith('https:');
}

/** A target as a pipeline uses it: the running server, and the way to send it the track's request. */
export class Target {
  private constructor(
    readonly spec: TargetSpec,
    readonly server: ListeningProcess,
    private readonly send: SendRequest,
  ) {}

  /** Starts the server the spec names; an unknown name is an Error naming the known ones. */
  static async start(spec: TargetSpec, options: TargetStartOptions = {}): Promise<Target> {
    const start = SERVERS[spec.server];
    const send = REQUESTS[spec.request];
    if (!start) throw new Error(`the track names a target server "${spec.server}" that this version does not have (it has ${Object.keys(SERVERS).join(', ')})`);
    if (!send) throw new Error(`the track names a request "${spec.request}" that this version does not have (it has ${Object.keys(REQUESTS).join(', ')})`);
    return new Target(spec, await start(options), send);
  }

  get pid(): number {
    return this.server.pid;
  }

  get host(): string {
    return this.server.host;
  }

  get port(): number {
    return this.server.port;
  }

  get url(): string {
    return this.server.url;
  }

  /** Is this the target `spec` names (a level may name another one)? */
  is(spec: TargetSpec): boolean {
    return spec.server === this.spec.server && spec.request === this.spec.request;
  }

  /** Sends the track's request once, asking for a `size`-character answer. */
  request(size = 50): Promise<TutorialReply> {
    return this.send(this.server, size);
  }

  /** `count` requests, at most `concurrency` at a time (the tutorial's request only). */
  requests(count: number, size = 50, concurrency = 1): Promise<TrafficSummary> {
    return sendRequests({ host: this.host, port: this.port, size, count, concurrency, tls: isTls(this.server) });
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/**
 * The target of the level being shown, for sessions that move between levels (the app,
 * demo): kept while the levels name the same one, replaced when a level names another.
 */
export class TargetSlot {
  private target: Target | null = null;
  private closed = false;

  get current(): Target | null {
    return this.target;
  }

  async use(spec: TargetSpec, options: TargetStartOptions = {}): Promise<Target> {
    if (this.target?.is(spec)) return this.target;
    await this.target?.stop();
    this.target = null;
    const started = await Target.start(spec, options);
    if (this.closed) {
      await started.stop(); // closed while it was starting
      throw new Error('closed');
    }
    this.target = started;
    return started;
  }

  /** The current target started again (it died): the same server, a new process. */
  async restart(): Promise<Target> {
    const spec = this.target?.spec;
    if (!spec) throw new Error('no target to restart');
    this.target = null;
    return this.use(spec);
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.target?.stop();
  }
}
