// The learner's side of the classroom board: posts each check's payload to the join URL in
// the background. The board is someone else's machine on a classroom network: it may be down,
// slow or gone, and none of that may slow or break the learner's loop. So: a short queue (the
// newest reports win), a bounded time per try, a few retries, then the report is dropped; a
// problem is said once, and a refusal (wrong class code) stops the reporting for good.
import os from 'node:os';
import { usageError } from '../errors/workshopError.js';
import type { CheckReport } from '../report/checkReport.js';
import { boardPayload, cleanName, type BoardPayload } from './payload.js';

export interface ReporterOptions {
  joinUrl: string;
  name: string;
  track: string;
  /** Send the learner's program too (--share-code). */
  shareCode?: boolean;
  /** Said once per kind of problem (to stderr, or the app's notice line). */
  notice: (message: string) => void;
  attemptTimeoutMs?: number;
  /** Waits before each retry; one more try than its length. */
  retryDelaysMs?: number[];
  queueLimit?: number;
}

/** Checks a join URL given on the command line; a malformed one is a usage error. */
export function parseJoinUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${text} is not a join URL`, 'copy the join URL the instructor\'s board shows (http://…/join/CODE)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${text} is not an http(s) URL`, 'copy the join URL the instructor\'s board shows (http://…/join/CODE)');
  }
  return url;
}

/** The learner's name on the board: --name, else the user behind sudo, else the login name. */
export function learnerName(given: string | undefined, env: NodeJS.ProcessEnv = process.env, login: () => string = defaultLogin): string {
  const name = cleanName(given ?? env.SUDO_USER ?? login());
  if (!name) throw usageError('the name for the board is empty', 'give one with --name "Your Name"');
  return name;
}

function defaultLogin(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'learner'; // a uid without a passwd entry (some containers)
  }
}

type Outcome = 'sent' | 'retry' | 'refused' | 'drop';

export class BoardReporter {
  private readonly url: URL;
  private readonly queue: BoardPayload[] = [];
  private sending: Promise<void> | null = null;
  private stopped = false;
  /** A report is being tried (posted, or waiting to retry). */
  private current = false;
  private readonly said = new Set<string>();
  private readonly inFlight = new Set<AbortController>();
  private readonly options: Required<Omit<ReporterOptions, 'shareCode'>> & { shareCode: boolean };
  /** How many reports the board accepted, and how many were given up on. */
  sent = 0;
  dropped = 0;

  constructor(options: ReporterOptions) {
    this.url = parseJoinUrl(options.joinUrl);
    this.options = { attemptTimeoutMs: 1500, retryDelaysMs: [250, 1000], queueLimit: 5, shareCode: false, ...options };
  }

  /** Queues one check's result; returns at once. */
  report(report: CheckReport, source?: string): void {
    if (this.stopped) return;
    const payload = boardPayload(report, {
      name: this.options.name,
      track: this.options.track,
      sharedSource: this.options.shareCode ? source : undefined,
    });
    this.queue.push(payload);
    // A learner who saves faster than the board answers: the oldest waiting report goes.
    while (this.queue.length > this.options.queueLimit) {
      this.queue.shift();
      this.dropped++;
    }
    this.sending ??= this.drain().finally(() => (this.sending = null));
  }

  /**
   * Waits until every queued report is sent or given up on, at most `withinMs`; then stops
   * whatever is still in flight. `check` calls it before exiting.
   */
  async flush(withinMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    await Promise.race([this.sending ?? Promise.resolve(), deadline]);
    clearTimeout(timer);
    if (this.queue.length > 0 || this.inFlight.size > 0) {
      this.say('slow', `the board at ${this.url.host} did not answer within ${(withinMs / 1000).toFixed(0)} s: this check's report was dropped`);
    }
    this.stop();
  }

  /** Stops sending: the queue is emptied and requests in flight are aborted. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.dropped += this.queue.length + (this.current ? 1 : 0);
    this.queue.length = 0;
    for (const controller of this.inFlight) controller.abort();
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const payload = this.queue.shift()!;
      this.current = true;
      let outcome: Outcome = 'retry';
      for (let attempt = 0; outcome === 'retry' && !this.stopped; attempt++) {
        outcome = await this.post(payload);
        if (outcome !== 'retry') break;
        const delay = this.options.retryDelaysMs[attempt];
        if (delay === undefined) {
          outcome = 'drop';
          break;
        }
        await new Promise((r) => setTimeout(r, delay).unref());
      }
      this.current = false;
      if (outcome === 'sent') this.sent++;
      else if (!this.stopped) this.dropped++; // (stop() counted the one it interrupted)
    }
  }

  private async post(payload: BoardPayload): Promise<Outcome> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.attemptTimeoutMs).unref();
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
      await response.body?.cancel();
      return this.judge(response.status);
    } catch (error) {
      if (this.stopped) return 'drop';
      const why = controller.signal.aborted ? 'no answer in time' : describeNetworkError(error);
      this.say('unreachable', `the board at ${this.url.host} cannot be reached (${why}): your checks go on; reports it misses are dropped`);
      return 'retry';
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private judge(status: number): Outcome {
    if (status >= 200 && status < 300) return 'sent';
    if (status === 403 || status === 404) {
      this.say('refused', `the board at ${this.url.host} refused the report (wrong class code?): check the join URL; no more reports are sent`);
      this.stop();
      return 'refused';
    }
    if (status === 429) {
      this.say('rate', 'the board asks for fewer reports: some are skipped');
      return 'drop';
    }
    if (status === 413 || status === 400) {
      this.say(`bad-${status}`, `the board did not take a report (HTTP ${status})${status === 413 ? ': too large (is the shared program very long?)' : ''}`);
      return 'drop';
    }
    if (status === 503) {
      this.say('full', 'the board is full or busy: reports are dropped');
      return 'drop';
    }
    return 'retry';
  }

  private say(kind: string, message: string): void {
    if (this.said.has(kind)) return;
    this.said.add(kind);
    this.options.notice(message);
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
