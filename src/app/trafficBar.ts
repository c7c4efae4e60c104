// The traffic bar's lines: the demo server, what the wire carried (TLS), the requests sent,
// and any failure or loss. Every part is whole at any width: when the bar does not fit one
// line, the server's pid goes first (the least needed), then the parts wrap, each whole,
// onto the next lines.
import { segmentsWidth, type Segment } from './captureLines.js';
import { wrapPieces } from './markdown.js';

export interface TrafficState {
  /** wire: what a TLS target's sockets carried (null for plain HTTP). */
  server: { url: string; pid: number; wire?: string | null } | null;
  auto: boolean;
  size: number;
  sent: number;
  failed: number;
  lastError: string | null;
  lost: number;
}

const GAP = '  ';

function parts(state: TrafficState, withPid: boolean): Segment[][] {
  const { server } = state;
  if (!server) return [[{ text: 'demo server not running', tone: 'muted' }]];
  const all: Segment[][] = [
    [{ text: withPid ? `server ${server.url} (pid ${server.pid})` : `server ${server.url}`, tone: 'muted' }],
  ];
  if (server.wire) all.push([{ text: server.wire, tone: 'info' }]);
  all.push([
    { text: `requests: ${state.sent} sent, size ${state.size}, ` },
    state.auto ? { text: 'auto every 2 s', tone: 'ok', bold: true } : { text: 'auto off', tone: 'muted' },
  ]);
  if (state.failed > 0 && state.lastError) all.push([{ text: `${state.failed} failed: ${state.lastError}`, tone: 'bad' }]);
  if (state.lost > 0) all.push([{ text: `${state.lost} events lost`, tone: 'warn' }]);
  return all;
}

/** The bar's lines at this width: one when it fits, else as many as its parts need. */
export function trafficBarLines(state: TrafficState, columns: number): Segment[][] {
  for (const withPid of [true, false]) {
    const line = parts(state, withPid);
    if (segmentsWidth(joined(line)) <= columns) return [joined(line)];
  }
  const lines: Segment[][][] = [];
  for (const part of parts(state, false)) {
    const current = lines.at(-1);
    if (current && segmentsWidth(joined([...current, part])) <= columns) current.push(part);
    else if (segmentsWidth(part) <= columns) lines.push([part]);
    else lines.push(...wrapPieces(part, columns).map((wrapped) => [wrapped]));
  }
  return lines.map(joined);
}

function joined(line: Segment[][]): Segment[] {
  return line.flatMap((part, i) => (i === 0 ? part : [{ text: GAP }, ...part]));
}
