// The page's live feed as server-sent events: on connecting, every row ("roster"); then each
// row as it changes ("learner"). Each message carries the board's clock, so the page counts
// "stuck for" in the board's time whatever its own clock says. A page that stops reading
// (more than MAX_BUFFERED unsent) is dropped rather than buffered without end; it reconnects.
import type { ServerResponse } from 'node:http';
import type { LearnerRow } from './roster.js';

const MAX_CLIENTS = 64;
const MAX_BUFFERED = 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

export type FeedMessage = { type: 'roster'; now: number; rows: LearnerRow[] } | { type: 'learner'; now: number; row: LearnerRow };

export class EventFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly rows: () => LearnerRow[]) {
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
  }

  attach(response: ServerResponse): void {
    if (this.clients.size >= MAX_CLIENTS) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('too many pages open on this board\n');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    response.write('retry: 1000\n\n');
    this.send(response, encode({ type: 'roster', now: Date.now(), rows: this.rows() }));
  }

  publish(row: LearnerRow): void {
    if (this.clients.size > 0) this.broadcast(encode({ type: 'learner', now: Date.now(), row }));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcast(text: string): void {
    for (const client of this.clients) this.send(client, text);
  }

  private send(client: ServerResponse, text: string): void {
    if (client.writableLength > MAX_BUFFERED) {
      client.destroy();
      this.clients.delete(client);
      return;
    }
    client.write(text);
  }
}

function encode(message: FeedMessage): string {
  return `data: ${JSON.stringify(message)}\n\n`;
}
