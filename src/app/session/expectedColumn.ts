// The Expected column: the track's reference program attached at the level, what it captures
// from the same requests as the learner's, and whether it is there yet. It stays live
// whatever the learner's file does. How the reference is built and attached is passed in
// (the pipeline in the app, a fake in the unit test).
import type { CaptureEvent } from '../../capture/events.js';
import { describeProblem } from '../../errors/problem.js';
import { ConnectionLog } from '../connectionLog.js';

export interface ExpectedStatus {
  status: 'loading' | 'attached' | 'failed';
  problem: string | null;
}

/** Builds the reference at `level` and attaches it, its events going to `onEvents`. */
export type OpenReference = (level: number, onEvents: (batch: CaptureEvent[]) => void) => Promise<{ discard(): void }>;

export class ExpectedColumn {
  readonly log = new ConnectionLog();
  status: ExpectedStatus = { status: 'loading', problem: null };
  /**
   * Only events from this kernel time on (bpf_ktime, as the events carry it) are shown: the
   * learner's program attached then, and a connection already under way is one it could not
   * have seen whole.
   */
  sinceNs = 0;
  private program: { discard(): void } | null = null;
  private token = 0;

  /** `changed` is told of every change; `captured` that new events arrived. */
  constructor(
    private readonly open: OpenReference,
    private readonly changed: (captured: boolean) => void,
  ) {}

  /** Attaches the reference at `level`, in place of the one before; a newer load wins. */
  async load(level: number): Promise<void> {
    const token = ++this.token;
    this.discardProgram();
    this.status = { status: 'loading', problem: null };
    this.changed(false);
    try {
      const program = await this.open(level, (batch) => {
        if (token !== this.token) return;
        const events = batch.filter((e) => e.timestampNs === 0 || e.timestampNs >= this.sinceNs);
        if (events.length === 0) return;
        this.log.add(events);
        this.changed(true);
      });
      if (token !== this.token) return program.discard(); // another level, or closed, meanwhile
      this.program = program;
      this.status = { status: 'attached', problem: null };
    } catch (e) {
      if (token !== this.token) return;
      this.status = { status: 'failed', problem: describeProblem(e).message };
    }
    this.changed(false);
  }

  /** The clients' ports as the reference saw them in its open events. */
  clientPorts(): number[] {
    return this.log.connections.flatMap((c) => (c.client && c.client.port > 0 ? [c.client.port] : []));
  }

  /** Detached for good (quit, or a level whose target is not up yet); a load still under way is dropped. */
  discard(): void {
    this.token++;
    this.discardProgram();
  }

  private discardProgram(): void {
    this.program?.discard();
    this.program = null;
  }
}
