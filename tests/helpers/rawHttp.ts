// Raw HTTP over one TCP connection (or one TLS connection), for tests that send the demo server
// exactly the bytes they mean (malformed ones included) and read exactly what comes back.
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses every complete HTTP response at the start of text (latin1); returns them and the rest. */
export function parseResponses(text: string): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  for (;;) {
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (text.length < headEnd + 4 + length) break;
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(headEnd + 4, headEnd + 4 + length) });
    text = text.slice(headEnd + 4 + length);
  }
  return { responses, rest: text };
}

export interface RawExchangeOptions {
  /** Pause between pieces, so they arrive in separate reads. */
  pauseMs?: number;
  /** Half-close after the last piece: the server then sees the end of the request stream. */
  end?: boolean;
  /** Rejects when neither `expect` responses nor the server's close came by then. */
  timeoutMs?: number;
  /** Over TLS (the HTTPS listener; its self-signed certificate accepted): rejects unless the handshake completes. */
  tls?: boolean;
}

export interface RawExchange {
  responses: RawResponse[];
  /** Everything received, latin1. */
  received: string;
  /** The server closed (or reset) the connection. */
  serverClosed: boolean;
}

/**
 * Sends each piece (pausing between them), then collects responses until `expect` have
 * arrived or the server closes.
 */
export async function rawExchange(port: number, pieces: Array<string | Buffer>, expect: number, options: RawExchangeOptions = {}): Promise<RawExchange> {
  const { pauseMs = 100, end = false, timeoutMs = 5000 } = options;
  const socket = options.tls ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
  await once(socket, options.tls ? 'secureConnect' : 'connect');
  let received = '';
  let serverClosed = false;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${expect} responses and no close within ${timeoutMs} ms; got: ${JSON.stringify(received.slice(0, 300))}`)),
      timeoutMs,
    );
    const check = () => {
      if (serverClosed || parseResponses(received).responses.length >= expect) {
        clearTimeout(timer);
        resolve();
      }
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      check();
    });
    const closed = () => {
      serverClosed = true;
      check();
    };
    socket.on('end', closed);
    // A reset after the answer (the server closed with bytes of ours unread) is a close too.
    socket.on('error', closed);
  });
  for (const [i, piece] of pieces.entries()) {
    if (i > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    if (serverClosed || socket.destroyed) break; // the server has had its say
    socket.write(piece);
  }
  if (end && !serverClosed && !socket.destroyed) socket.end();
  try {
    await done;
    if (!serverClosed) {
      // Give a server that means to close a moment to do it.
      await Promise.race([once(socket, 'end').then(() => (serverClosed = true)), new Promise((r) => setTimeout(r, 200))]);
    }
  } finally {
    socket.destroy();
  }
  return { responses: parseResponses(received).responses, received, serverClosed };
}

export function post(body: string, extraHeaders = ''): string {
  return `POST /customResponse HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`;
}
