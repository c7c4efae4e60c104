// The learner's traffic: the tutorial's `curl -4 -X POST localhost:PORT/customResponse -d
// '{"size": N}'`, sent from Node. Each request has its own IPv4 connection, closed after the
// answer, so the server goes through accept4, read, write and close for every one.
import http from 'node:http';
import https from 'node:https';
import { hostInUrl, targetServerError } from './listeningProcess.js';

export interface TutorialRequest {
  host: string;
  port: number;
  /** How many characters the answer should hold (the tutorial uses 50 and 20). */
  size?: number;
  timeoutMs?: number;
  /** Over TLS (the TLS track's targets), not verifying their self-signed certificates, as curl -k. */
  tls?: boolean;
}

/** The tutorial's request as a line to paste, to the server at host:port (over TLS: curl -k). */
export function curlLine(host: string, port: number, options: { size?: number; tls?: boolean } = {}): string {
  const data = `-d '{"size": ${options.size ?? 50}}'`;
  if (options.tls) return `curl -k https://${hostInUrl(host)}:${port}/customResponse ${data}`;
  const loopback = host === '127.0.0.1' || host === '0.0.0.0' || host === 'localhost';
  return `curl -4 -X POST ${loopback ? 'localhost' : hostInUrl(host)}:${port}/customResponse ${data}`;
}

export interface TutorialReply {
  status: number;
  body: string;
  /** The client's port: the one the server's accept4 reports, to match a capture to its request. */
  localPort: number;
}

export function sendTutorialRequest(opts: TutorialRequest): Promise<TutorialReply> {
  const size = opts.size ?? 50;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const body = `{"size": ${size}}`;
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    const request = (opts.tls ? https : http).request(
      {
        ...(opts.tls ? { rejectUnauthorized: false } : {}),
        host: opts.host,
        port: opts.port,
        family: 4,
        method: 'POST',
        path: '/customResponse',
        agent: false, // no pooling: a fresh connection that closes after the reply
        headers: {
          // What curl -d sends.
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          Accept: '*/*',
          'User-Agent': 'ebpf-workshop',
        },
      },
      (response) => {
        const localPort = response.socket.localPort ?? 0;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), localPort }));
        response.on('error', (error) => reject(requestError(error, where)));
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy(targetServerError(`the demo server at ${where} did not answer within ${timeoutMs / 1000} s`));
    });
    request.on('error', (error) => reject(requestError(error, where)));
    request.end(body);
  });
}

function requestError(error: NodeJS.ErrnoException, where: string): Error {
  if (error.code === 'ECONNREFUSED') {
    return targetServerError(`nothing is listening on ${where}: is the demo server running? (\`ebpf-workshop server\` starts it)`);
  }
  if (error.code === 'ECONNRESET') return targetServerError(`the demo server at ${where} closed the connection without answering`);
  if (error.code) return targetServerError(`the request to the demo server at ${where} failed (${error.code}): ${error.message}`);
  return error;
}

/** What a batch of requests got back. The bodies are not kept: 100 000 answers of 10 MiB would not fit. */
export interface TrafficSummary {
  /** Requests answered. */
  count: number;
  /** Answers that were not a 200. */
  failed: number;
  /** Body bytes received, over all answers. */
  bodyBytes: number;
}

/** count requests, at most concurrency at a time (1 by default); each body is dropped once counted. */
export async function sendRequests(opts: TutorialRequest & { count: number; concurrency?: number }): Promise<TrafficSummary> {
  const summary: TrafficSummary = { count: 0, failed: 0, bodyBytes: 0 };
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < opts.count && !failed) {
      next++;
      try {
        const reply = await sendTutorialRequest(opts);
        summary.count++;
        if (reply.status !== 200) summary.failed++;
        summary.bodyBytes += Buffer.byteLength(reply.body);
      } catch (error) {
        failed = true; // the other workers stop too: one failure is the answer
        throw error;
      }
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 1, opts.count));
  await Promise.all(Array.from({ length: workers }, worker));
  return summary;
}
