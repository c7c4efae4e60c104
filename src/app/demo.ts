// The instructor's demo: solution.c attached at a level, traffic sent automatically, and
// what it captures as a log of large, readable items — events as they arrive at levels 1–3,
// whole exchanges at level 4. Changing the level re-attaches that level's hooks and logs
// the code the level adds.
import { readFileSync } from 'node:fs';
import type { Exchange } from '../capture/connectionTracker.js';
import type { CaptureEvent, ClientAddress, Direction } from '../capture/events.js';
import { onShutdown } from '../engine/shutdown.js';
import { prepareKernel, type AttachMode, type AttachRequest } from '../kernel/environment.js';
import { describeProblem, type Problem } from '../errors/problem.js';
import { describeEncrypted } from '../targets/listeningProcess.js';
import { TargetSlot } from '../targets/targets.js';
import { BuiltProgram, type LiveProgram } from '../pipeline/program.js';
import type { Level } from '../tracks/levelSpec.js';
import path from 'node:path';
import { hooksUpTo, levelOf, targetOf, type Track } from '../tracks/tracks.js';
import { levelAddedCode } from './levelCode.js';
import { ThrottledStore } from './store.js';
import { TrafficDriver } from './trafficDriver.js';

export type DemoItem =
  | { id: number; kind: 'level'; level: number; title: string; summary: string; code: string[][] }
  | { id: number; kind: 'note'; text: string }
  | { id: number; kind: 'open'; fd: number; client: ClientAddress | null }
  | { id: number; kind: 'data'; fd: number; direction: Direction; size: number; payload: string }
  | { id: number; kind: 'close'; fd: number }
  | { id: number; kind: 'exchange'; fd: number; client: ClientAddress | null; request: string; response: string; closed: boolean };

/** An item before it has its id (Omit over a union, member by member). */
type NewItem = DemoItem extends infer I ? (I extends DemoItem ? Omit<I, 'id'> : never) : never;

export interface DemoSnapshot {
  phase: 'starting' | 'ready' | 'failed' | 'closed';
  step: string;
  fatal: Problem | null;
  attachMode: AttachMode | null;
  /** wire: what a TLS target's sockets carried, in a few words (null: nothing to say). */
  server: { url: string; pid: number; wire?: string | null } | null;
  levels: Level[];
  level: number;
  attaching: boolean;
  problem: string | null;
  /** Log items; once printed they stay on the terminal. */
  items: DemoItem[];
  /** Bumped when `items` is emptied (the log is bounded): the view starts a new Static. */
  epoch: number;
  traffic: { auto: boolean; size: number; sent: number; failed: number; lastError: string | null };
}

export interface DemoOptions {
  track: Track;
  level: number;
  attach?: AttachRequest;
  intervalMs?: number;
}

const MAX_ITEMS = 200;

export class DemoSession {
  readonly store: ThrottledStore<DemoSnapshot>;
  readonly traffic: TrafficDriver;
  private readonly track: Track;
  private readonly levels: Level[];
  private phase: DemoSnapshot['phase'] = 'starting';
  private step = 'starting';
  private fatal: Problem | null = null;
  private attachMode: AttachMode | null = null;
  private readonly targets = new TargetSlot();
  private level: number;
  private attaching = false;
  private problem: string | null = null;
  private items: DemoItem[] = [];
  private epoch = 0;
  private nextId = 1;
  private program: LiveProgram | null = null;
  private token = 0;
  private closing: Promise<void> | null = null;
  private removeShutdownHook: () => void = () => {};

  constructor(private readonly options: DemoOptions) {
    this.track = options.track;
    this.levels = options.track.levels;
    this.level = levelOf(this.track, options.level).id;
    this.traffic = new TrafficDriver(() => this.targets.current, options.intervalMs ?? 2000);
    this.traffic.on('change', () => this.store.changed());
    this.store = new ThrottledStore(() => this.snapshot());
  }

  private snapshot(): DemoSnapshot {
    return {
      phase: this.phase,
      step: this.step,
      fatal: this.fatal,
      attachMode: this.attachMode,
      server: this.targets.current ? { url: this.targets.current.url, pid: this.targets.current.pid, wire: describeEncrypted(this.targets.current.server.encrypted, 'short') } : null,
      levels: this.levels,
      level: this.level,
      attaching: this.attaching,
      problem: this.problem,
      items: this.items,
      epoch: this.epoch,
      traffic: { auto: this.traffic.auto, size: this.traffic.size, sent: this.traffic.sent, failed: this.traffic.failed, lastError: this.traffic.lastError },
    };
  }

  async start(): Promise<void> {
    this.removeShutdownHook = onShutdown(() => this.close());
    try {
      this.setStep('checking the kernel');
      this.attachMode = (await prepareKernel({ attach: this.options.attach ?? 'auto' })).attachMode;
      this.setStep('starting the demo server');
      await this.targets.use(targetOf(this.track, this.level));
      if (this.closing) return; // quit while it was starting: close() stops it
      this.phase = 'ready';
      await this.attach(this.level);
      this.traffic.setAuto(true);
    } catch (e) {
      this.phase = 'failed';
      this.fatal = describeProblem(e);
      this.store.publish();
    }
  }

  private setStep(step: string): void {
    this.step = step;
    this.store.publish();
  }

  setLevel(id: number): void {
    if (this.phase !== 'ready' || id < 0 || id >= this.levels.length || id === this.level) return;
    this.level = id;
    void this.attach(id);
  }

  private add(item: NewItem): void {
    if (this.items.length >= MAX_ITEMS) {
      this.items = [];
      this.epoch++;
    }
    // A new array: the snapshot must change for the view to see it.
    this.items = [...this.items, { ...item, id: this.nextId++ } as DemoItem];
    this.store.changed();
  }

  private async attach(level: number): Promise<void> {
    const token = ++this.token;
    this.program?.discard();
    this.program = null;
    this.attaching = true;
    this.problem = null;
    this.store.changed();
    try {
      const source = { text: readFileSync(this.track.reference, 'utf8'), fileName: path.basename(this.track.reference) };
      const target = await this.targets.use(targetOf(this.track, level));
      const built = await BuiltProgram.build({ source, track: this.track, level, attachMode: this.attachMode! });
      if (token !== this.token || this.closing) return built.close();
      const exchanges = this.levels[level]!.spec.expectedEvents.exchange;
      const program = built.attach(target, { judged: false });
      program.capture?.on('events', (events) => {
        if (!exchanges) for (const event of events) this.add(eventItem(event));
      });
      program.capture?.on('exchange', (exchange) => {
        if (exchanges) this.add(exchangeItem(exchange));
      });
      this.program = program;
      const spec = this.levels[level]!;
      this.add({ kind: 'level', level, title: spec.title, summary: spec.summary, code: levelAddedCode(this.track, level) });
      if (!spec.spec.expectedEvents.attach) {
        const hooked = [...new Set(hooksUpTo(this.track, level).map((h) => (h.kind === 'uprobe' ? h.symbol : h.syscall)))].join(', ');
        const next = level + 1 < this.levels.length ? ` → for level ${level + 1}.` : '';
        this.add({ kind: 'note', text: `Level ${level} loads the ${hooked} hooks and the verifier accepts them; nothing is attached yet, so nothing is captured.${next}` });
      }
    } catch (e) {
      if (token === this.token) this.problem = describeProblem(e).message;
    } finally {
      if (token === this.token) this.attaching = false;
      this.store.changed();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.removeShutdownHook();
    this.token++;
    this.traffic.stop();
    this.store.stop();
    this.program?.discard();
    this.program = null;
    await this.targets.stop();
    this.phase = 'closed';
  }
}

function eventItem(event: CaptureEvent): NewItem {
  switch (event.type) {
    case 'open':
      return { kind: 'open', fd: event.fd, client: event.client };
    case 'close':
      return { kind: 'close', fd: event.fd };
    case 'data':
      return { kind: 'data', fd: event.fd, direction: event.direction, size: event.size, payload: event.payload.toString('latin1') };
  }
}

function exchangeItem(exchange: Exchange): NewItem {
  return {
    kind: 'exchange',
    fd: exchange.fd,
    client: exchange.client,
    request: exchange.request.toString('latin1'),
    response: exchange.response.toString('latin1'),
    closed: exchange.endedBy === 'close',
  };
}
