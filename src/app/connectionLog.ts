// What one sniffer captured, grouped by connection for display: the open, the data events
// in the order they came, the close. An fd is reused once closed, so a new open (or data
// after a close) starts a new connection. Only the most recent connections are kept, and
// the first few data events of each; what is not kept is counted, so the screen can say so.
// Kept payloads are copies: the decoder's are views of a whole perf batch (up to a MiB),
// which a few kept bytes would otherwise keep alive.
import { keptEvent, type CaptureEvent, type ClientAddress, type CloseEvent, type DataEvent, type OpenEvent } from '../capture/events.js';

export interface Connection {
  /** Unique within its log, in arrival order. */
  seq: number;
  pid: number;
  fd: number;
  client: ClientAddress | null;
  open: OpenEvent | null;
  data: DataEvent[];
  close: CloseEvent | null;
  /** Wall-clock ms when its first event arrived here. */
  arrivedAt: number;
  /** Wall-clock ms of its latest event. */
  updatedAt: number;
  /** bpf_ktime of its first event (0 when the learner's structs carry no timestamp). */
  firstNs: number;
  /** Data events that came after the first maxDataPerConnection: counted, not kept. */
  dataNotKept: number;
}

export interface ConnectionLogOptions {
  maxConnections?: number;
  /** Data events kept per connection (a long keep-alive connection would grow forever). */
  maxDataPerConnection?: number;
}

export class ConnectionLog {
  private readonly items: Connection[] = [];
  private nextSeq = 1;
  private readonly maxConnections: number;
  private readonly maxData: number;
  /** Bumped on every change, so views can tell a new snapshot from an old one cheaply. */
  version = 0;
  /** Older connections let go to keep the most recent maxConnections (since the last clear). */
  connectionsNotKept = 0;

  constructor(options: ConnectionLogOptions = {}) {
    this.maxConnections = options.maxConnections ?? 40;
    this.maxData = options.maxDataPerConnection ?? 8;
  }

  add(events: CaptureEvent[], now = Date.now()): void {
    for (const event of events) this.addOne(event, now);
    if (events.length > 0) this.version++;
    const over = this.items.length - this.maxConnections;
    if (over > 0) {
      this.items.splice(0, over);
      this.connectionsNotKept += over;
    }
  }

  clear(): void {
    this.items.length = 0;
    this.connectionsNotKept = 0;
    this.version++;
  }

  get connections(): readonly Connection[] {
    return this.items;
  }

  private live(pid: number, fd: number): Connection | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const c = this.items[i]!;
      if (c.pid === pid && c.fd === fd) return c.close ? undefined : c;
    }
    return undefined;
  }

  private start(event: CaptureEvent, now: number): Connection {
    const connection: Connection = {
      seq: this.nextSeq++,
      pid: event.pid,
      fd: event.fd,
      client: null,
      open: null,
      data: [],
      close: null,
      arrivedAt: now,
      updatedAt: now,
      firstNs: event.timestampNs,
      dataNotKept: 0,
    };
    this.items.push(connection);
    return connection;
  }

  private addOne(event: CaptureEvent, now: number): void {
    if (event.type === 'open') {
      const connection = this.start(event, now);
      connection.open = event;
      connection.client = event.client;
      return;
    }
    const connection = this.live(event.pid, event.fd) ?? this.start(event, now);
    connection.updatedAt = now;
    if (event.type === 'close') connection.close = event;
    else if (connection.data.length < this.maxData) connection.data.push(keptEvent(event));
    else connection.dataNotKept++;
  }
}
