// How `run` prints what it captured: readable lines for people, one JSON object per line
// for scripts. Payloads are shown as text with control characters made visible.
import type { Exchange } from './connectionTracker.js';
import type { CaptureEvent, ClientAddress } from './events.js';
import { terminalSafe } from '../util/terminalText.js';

export function payloadText(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** One line, line ends as ⏎ and other control bytes as visible codes: `POST / HTTP/1.1⏎Host: …`. */
export function oneLine(bytes: Buffer, max = 120): string {
  const text = terminalSafe(payloadText(bytes).replace(/\r\n/g, '⏎'));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function clientText(client: ClientAddress | null): string {
  if (!client) return 'unknown client';
  return client.family === 'ipv6' ? `[${client.address}]:${client.port}` : `${client.address}:${client.port}`;
}

export function eventLine(event: CaptureEvent): string {
  const who = `pid ${event.pid} fd ${event.fd}`;
  switch (event.type) {
    case 'open':
      return `[open]  ${who}  from ${clientText(event.client)}`;
    case 'close':
      return `[close] ${who}`;
    case 'data':
      return `[${event.direction === 'ingress' ? 'in' : 'out'}]${event.direction === 'ingress' ? '    ' : '   '}${who}  ${event.size} bytes  ${oneLine(event.payload)}`;
  }
}

function indent(bytes: Buffer): string {
  return terminalSafe(payloadText(bytes).replace(/\r\n/g, '\n'), { keepNewlines: true, keepTabs: true })
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export function exchangeBlock(exchange: Exchange): string {
  const lines = [`── pid ${exchange.pid} fd ${exchange.fd}, ${clientText(exchange.client)} ──`];
  lines.push('  request:', exchange.request.length ? indent(exchange.request) : '    (none captured)');
  lines.push('  response:', exchange.response.length ? indent(exchange.response) : '    (none captured)');
  if (exchange.truncated) lines.push('  (cut: longer than the capture keeps)');
  return lines.join('\n');
}

export function eventJson(event: CaptureEvent): Record<string, unknown> {
  if (event.type === 'data') {
    const { payload, ...rest } = event;
    return { ...rest, payload: payloadText(payload) };
  }
  return { ...event };
}

export function exchangeJson(exchange: Exchange): Record<string, unknown> {
  return {
    type: 'exchange',
    pid: exchange.pid,
    fd: exchange.fd,
    client: exchange.client,
    request: payloadText(exchange.request),
    response: payloadText(exchange.response),
    truncated: exchange.truncated,
    endedBy: exchange.endedBy,
  };
}
