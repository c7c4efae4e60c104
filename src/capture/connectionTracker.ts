// Joins a connection's open, data and close events into exchanges: a request (ingress)
// and the response (egress) that followed it. Keep-alive connections carry several: the
// start of a new request ends the previous exchange. Data that starts a new HTTP message in
// a direction that already has one (a request after an unanswered request, a second
// response) also starts a new exchange, so an event the kernel dropped leaves one exchange
// incomplete rather than pairing a request with another request's response. Buffers are
// capped and idle connections evicted, so memory stays bounded however busy the machine is.
import type { CaptureEvent, ClientAddress } from './events.js';

export interface Exchange {
  pid: number;
  fd: number;
  client: ClientAddress | null;
  request: Buffer;
  response: Buffer;
  /** True when a payload hit the cap and was cut. */
  truncated: boolean;
  /** What ended it: the connection closed, the next request began, or it went quiet. */
  endedBy: 'close' | 'next-request' | 'next-response' | 'idle' | 'flush';
}

const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r?\n/;

function startsRequest(payload: Buffer): boolean {
  return REQUEST_LINE.test(payload.toString('latin1', 0, Math.min(payload.length, 256)));
}

// Every data event of a response is tested: bytes, not a string and a regular expression.
function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** `HTTP/1.0 NNN` or `HTTP/1.1 NNN`. */
function startsResponse(p: Buffer): boolean {
  return (
    p.length >= 12 &&
    p[0] === 0x48 && p[1] === 0x54 && p[2] === 0x54 && p[3] === 0x50 && p[4] === 0x2f && // HTTP/
    p[5] === 0x31 && p[6] === 0x2e && (p[7] === 0x30 || p[7] === 0x31) && p[8] === 0x20 && // 1.0 or 1.1, space
    isDigit(p[9]) && isDigit(p[10]) && isDigit(p[11])
  );
}

const EMPTY = Buffer.alloc(0);

/** One Buffer of the chunks; a lone whole chunk is passed on as it is (no copy). */
function joined(chunks: Buffer[], bytes: number): Buffer {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1 && chunks[0]!.length === bytes) return chunks[0]!;
  return Buffer.concat(chunks, bytes);
}

/** One number per connection: the pid in the high 32 bits, the fd in the low 32. */
function keyOf(pid: number, fd: number): number {
  return pid * 2 ** 32 + (fd >>> 0);
}

export interface TrackerOptions {
  /** Bytes kept per direction of one exchange. */
  maxPayloadBytes?: number;
  /** A connection with no event for this long is evicted (its exchange emitted). */
  idleMs?: number;
  /** Connections tracked at once; the least recently seen goes first beyond it. */
  maxConnections?: number;
  now?: () => number;
}

interface Connection {
  pid: number;
  fd: number;
  client: ClientAddress | null;
  request: Buffer[];
  requestBytes: number;
  response: Buffer[];
  responseBytes: number;
  truncated: boolean;
  lastSeen: number;
}

export class ConnectionTracker {
  private readonly connections = new Map<number, Connection>();
  private readonly maxPayloadBytes: number;
  private readonly idleMs: number;
  private readonly maxConnections: number;
  private readonly now: () => number;
  /**
   * The connection the last event went to, while it is tracked: it is the newest in the map
   * already, and the next event is often its own (no key to make, no lookup, no move).
   */
  private last: Connection | undefined;

  constructor(
    private readonly onExchange: (exchange: Exchange) => void,
    options: TrackerOptions = {},
  ) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    this.idleMs = options.idleMs ?? 10_000;
    this.maxConnections = options.maxConnections ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.connections.size;
  }

  add(event: CaptureEvent): void {
    const last = this.last;
    const same = last !== undefined && last.pid === event.pid && last.fd === event.fd;
    if (event.type === 'open') {
      const key = keyOf(event.pid, event.fd);
      const conn = same ? last : this.connections.get(key);
      // An fd reused without a close we saw: whatever was there is over.
      if (conn) this.finish(key, conn, 'close');
      const fresh = this.fresh(event.pid, event.fd, event.client);
      this.connections.set(key, fresh);
      this.last = fresh;
      this.enforceLimit();
      return;
    }
    if (event.type === 'close') {
      const key = keyOf(event.pid, event.fd);
      const conn = same ? last : this.connections.get(key);
      if (conn) this.finish(key, conn, 'close');
      return;
    }
    let conn: Connection;
    if (same) conn = last;
    else {
      const key = keyOf(event.pid, event.fd);
      const found = this.connections.get(key);
      if (!found) {
        // Opened before we attached, or without the accept hook: still worth tracking.
        conn = this.fresh(event.pid, event.fd, null);
        this.connections.set(key, conn);
        this.last = conn;
        this.enforceLimit();
      } else {
        // Map order is recency order: move it to the back.
        conn = found;
        this.connections.delete(key);
        this.connections.set(key, conn);
        this.last = conn;
      }
    }
    conn.lastSeen = this.now();
    if (event.direction === 'ingress') {
      if (conn.responseBytes > 0 || (conn.requestBytes > 0 && startsRequest(event.payload))) this.emit(conn, 'next-request');
      conn.requestBytes = this.append(conn, conn.request, conn.requestBytes, event.payload);
    } else {
      if (conn.responseBytes > 0 && startsResponse(event.payload)) this.emit(conn, 'next-response');
      conn.responseBytes = this.append(conn, conn.response, conn.responseBytes, event.payload);
    }
  }

  /** Emits and forgets connections quiet for longer than idleMs. Call it on a timer. */
  evictIdle(): void {
    const limit = this.now() - this.idleMs;
    for (const [key, conn] of this.connections) {
      if (conn.lastSeen >= limit) break; // recency order: the rest are newer
      this.finish(key, conn, 'idle');
    }
  }

  /** Emits whatever is still open (at shutdown). */
  flush(): void {
    for (const [key, conn] of this.connections) this.finish(key, conn, 'flush');
  }

  private fresh(pid: number, fd: number, client: ClientAddress | null): Connection {
    return { pid, fd, client, request: [], requestBytes: 0, response: [], responseBytes: 0, truncated: false, lastSeen: this.now() };
  }

  private append(conn: Connection, chunks: Buffer[], have: number, payload: Buffer): number {
    const room = this.maxPayloadBytes - have;
    if (payload.length > room) conn.truncated = true;
    if (room <= 0) return have;
    chunks.push(payload.length > room ? payload.subarray(0, room) : payload);
    return have + Math.min(room, payload.length);
  }

  private emit(conn: Connection, endedBy: Exchange['endedBy']): void {
    if (conn.requestBytes > 0 || conn.responseBytes > 0) {
      this.onExchange({
        pid: conn.pid,
        fd: conn.fd,
        client: conn.client,
        request: joined(conn.request, conn.requestBytes),
        response: joined(conn.response, conn.responseBytes),
        truncated: conn.truncated,
        endedBy,
      });
    }
    if (conn.request.length > 0) conn.request = [];
    if (conn.response.length > 0) conn.response = [];
    conn.requestBytes = conn.responseBytes = 0;
    conn.truncated = false;
  }

  private finish(key: number, conn: Connection, endedBy: Exchange['endedBy']): void {
    this.emit(conn, endedBy);
    this.connections.delete(key);
    if (conn === this.last) this.last = undefined;
  }

  private enforceLimit(): void {
    while (this.connections.size > this.maxConnections) {
      const [key, conn] = this.connections.entries().next().value as [number, Connection];
      this.finish(key, conn, 'idle');
    }
  }
}

/** The exchange with bytes of its own, not views of the perf batches they came in (see keptEvent). */
export function keptExchange(exchange: Exchange): Exchange {
  return { ...exchange, request: Buffer.from(exchange.request), response: Buffer.from(exchange.response) };
}
