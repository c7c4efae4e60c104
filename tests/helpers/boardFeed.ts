// A reader of the classroom board's event stream, as the page reads it: each `data:` line
// parsed, with the time it arrived. Used by the board's tests and its load benchmark.
import http from 'node:http';
import type { Test } from 'tap';
import type { FeedMessage } from '../../src/board/eventFeed.js';
import { startBoard, type BoardOptions, type RunningBoard } from '../../src/board/server.js';

export interface ReceivedMessage {
  message: FeedMessage;
  /** Date.now() when the message arrived. */
  at: number;
}

export interface FeedReader {
  received: ReceivedMessage[];
  /** The first message (already received or to come) that matches, within timeoutMs. */
  next(match: (message: FeedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  onMessage(listener: (received: ReceivedMessage) => void): void;
  close(): void;
}

/** Connects to `<board>/events?view=KEY`; resolves once the stream's headers came back (status 200). */
export function readFeed(url: string): Promise<FeedReader> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url} answered ${response.statusCode}`));
        return;
      }
      const received: ReceivedMessage[] = [];
      const listeners: ((r: ReceivedMessage) => void)[] = [];
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          const item = { message: JSON.parse(data) as FeedMessage, at: Date.now() };
          received.push(item);
          for (const listener of listeners) listener(item);
        }
      });
      resolve({
        received,
        onMessage: (listener) => listeners.push(listener),
        next: (match, timeoutMs = 5000) =>
          new Promise((resolveNext, rejectNext) => {
            const found = received.find((r) => match(r.message));
            if (found) return resolveNext(found);
            const timer = setTimeout(() => rejectNext(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
            listeners.push((r) => {
              if (match(r.message)) {
                clearTimeout(timer);
                resolveNext(r);
              }
            });
          }),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

/** A board on a free port for one test and its feed, read as its page reads it; both closed when the test ends. */
export async function boardWithFeed(t: Test, options: BoardOptions = {}): Promise<{ board: RunningBoard; feed: FeedReader }> {
  const board = await startBoard({ port: 0, ...options });
  t.teardown(() => board.close());
  const feed = await readFeed(`http://127.0.0.1:${board.port}/events?view=${board.viewKey}`);
  t.teardown(() => feed.close());
  return { board, feed };
}
