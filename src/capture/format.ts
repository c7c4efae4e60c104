// How `run` prints what it captured: readable lines for people, one JSON object per line
// for scripts. Payloads are shown as text with control characters made visible.
import type { Exchange } from './connectionTracker.js';
import type { CaptureEvent, ClientAddress } from './events.js';
import { glyphs, visibleLines } from './visibleBytes.js';

export function payloadText(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** A summary on one line, control bytes visible (`POST / HTTP/1.1⏎Host: …`), cut at `max`. */
export function oneLine(bytes: Buffer, max = 120): string {
  // Every two bytes show as one character or more (CRLF is one ⏎): 2 × max bytes are
  // all a line of `max` can show, however long the payload.
  const shown = bytes.subarray(0, 2 * max);
  const text = glyphs(shown).map((g) => g.text).join('');
  return text.length > max || bytes.length > shown.length ? `${text.slice(0, max - 1)}…` : text;
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
      // The whole payload, as the tutorial's runner printed it.
      return `[${event.direction === 'ingress' ? 'in' : 'out'}]${event.direction === 'ingress' ? '    ' : '   '}${who}  ${event.size} bytes\n${indent(event.payload)}`;
  }
}

function indent(bytes: Buffer): string {
  return visibleLines(bytes)
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
