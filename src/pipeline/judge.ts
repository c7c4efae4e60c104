// The live verdict on a level: with the hooks attached, the target answers real requests and
// the level's events must arrive from its pid — the open with the client's address, the
// request as ingress, the response as egress, the close, and whole exchanges. When they do
// not, the message says what arrived instead (a swapped direction, an empty address, nothing).
import type { CaptureCounts } from '../capture/capture.js';
import type { Exchange } from '../capture/connectionTracker.js';
import type { CaptureEvent, DataEvent, OpenEvent } from '../capture/events.js';
import type { ExpectedEvents, LiveHints } from '../tracks/levelSpec.js';
import { fail as failCheck, pass, type CaptureReport, type CheckResult } from '../report/checkReport.js';

const REQUEST = /^POST \/customResponse/;
const RESPONSE = /^HTTP\/1\.[01] 200/;

/** What a judged capture caught, for the report (check --json's `capture`). */
export function captureReport(counts: CaptureCounts, exchanges: Exchange[]): CaptureReport {
  return {
    events: { open: counts.open, ingress: counts.ingress, egress: counts.egress, close: counts.close },
    exchanges: exchanges.map((e) => ({
      pid: e.pid,
      fd: e.fd,
      client: e.client,
      request: e.request.toString('latin1'),
      response: e.response.toString('latin1'),
    })),
  };
}

const text = (e: DataEvent) => e.payload.toString('latin1');

/** The level's live checks over what arrived so far. Pure: unit-testable with recorded events. */
export function evaluate(
  expected: ExpectedEvents,
  events: CaptureEvent[],
  exchanges: Exchange[],
  clientPorts: number[],
  sizes: number[],
  liveHints: LiveHints = {},
  /** Events the capture left out because another process sent them (CaptureCounts.filtered). */
  filtered = 0,
): CheckResult[] {
  const checks: CheckResult[] = [];
  // The level's own wording of a hint (its track's names) over the HTTP track's.
  const fail = (id: string, title: string, message: string, extra: { code: keyof LiveHints; hint: string }) =>
    failCheck(id, title, message, { ...extra, hint: liveHints[extra.code] ?? extra.hint });
  const opens = events.filter((e): e is OpenEvent => e.type === 'open');
  const data = events.filter((e): e is DataEvent => e.type === 'data');
  const closes = events.filter((e) => e.type === 'close');

  if (events.length === 0 && (expected.open || expected.ingress || expected.egress || expected.close)) {
    checks.push(
      fail('live:events', 'your hooks send events', `your hooks are attached and the server answered ${sizes.length} requests, but no event arrived`, {
        code: 'LIVE_NO_EVENTS',
        hint: 'check that each event is sent with <output>.perf_submit(ctx, &event, sizeof(event)), and that the return hooks find what the entry hooks saved (the same map, the same id)',
      }),
    );
    return checks;
  }

  if (expected.open) {
    const title = 'open events: the client\'s address and the accepted fd';
    const ours = opens.filter((o) => o.client?.address === '127.0.0.1' && clientPorts.includes(o.client.port));
    if (ours.length > 0) {
      checks.push(pass('live:open', title, `${ours.length} connections opened from 127.0.0.1 (port ${ours[0]!.client!.port}, fd ${ours[0]!.fd})`));
    } else if (opens.length === 0) {
      checks.push(fail('live:open', title, 'no open event arrived from the demo server', { code: 'LIVE_OPEN_MISSING', hint: 'in the accept4 return hook, build a socket_open_event_t and submit it to socket_open_events when PT_REGS_RC(ctx) is not negative' }));
    } else {
      const seen = opens[0]!.client;
      const what = !seen || seen.family === 'unknown' ? 'an empty address' : `${seen.address}:${seen.port}`;
      checks.push(
        fail('live:open', title, `open events arrived, but with ${what} instead of the client's 127.0.0.1:<port>`, {
          code: 'LIVE_OPEN_NO_ADDRESS',
          hint: 'copy the address in the return hook, after accept4 has filled it in: bpf_probe_read(&open_event.addr, sizeof(open_event.addr), args->addr);',
        }),
      );
    }
  }

  const requestsIn = data.filter((e) => e.direction === 'ingress' && REQUEST.test(text(e)));
  const requestsOut = data.filter((e) => e.direction === 'egress' && REQUEST.test(text(e)));
  const responsesOut = data.filter((e) => e.direction === 'egress' && RESPONSE.test(text(e)));
  const responsesIn = data.filter((e) => e.direction === 'ingress' && RESPONSE.test(text(e)));

  if (expected.ingress) {
    const title = 'ingress: the request, as the server read it';
    if (requestsIn.length > 0) checks.push(pass('live:ingress', title, `${requestsIn.length} requests captured: ${firstLine(text(requestsIn[0]!))}`));
    else if (requestsOut.length > 0) {
      checks.push(fail('live:ingress', title, 'the request arrived marked as egress: the directions are swapped', { code: 'LIVE_DIRECTION_SWAPPED', hint: 'the read hooks report kIngress (data coming in), the write hooks kEgress' }));
    } else checks.push(fail('live:ingress', title, missingData('request', 'ingress', data), { code: 'LIVE_REQUEST_MISSING', hint: 'in the read return hook, call process_data(ctx, id, kIngress, read_args) inside the NULL check' }));
  }

  if (expected.egress) {
    const title = 'egress: the response, as the server wrote it';
    if (responsesOut.length > 0) {
      checks.push(pass('live:egress', title, `${responsesOut.length} responses captured: ${firstLine(text(responsesOut[0]!))}`));
    } else if (responsesIn.length > 0) {
      checks.push(fail('live:egress', title, 'the response arrived marked as ingress: the directions are swapped', { code: 'LIVE_DIRECTION_SWAPPED', hint: 'the write hooks report kEgress (data going out), the read hooks kIngress' }));
    } else checks.push(fail('live:egress', title, missingData('response', 'egress', data), { code: 'LIVE_RESPONSE_MISSING', hint: 'hook write like read: its own args map, and process_data(ctx, id, kEgress, write_args)' }));
  }

  if (expected.close) {
    const title = 'close events for the server\'s connections';
    const openFds = new Set(opens.map((o) => o.fd));
    const ours = closes.filter((c) => openFds.has(c.fd));
    if (ours.length > 0) checks.push(pass('live:close', title, `${ours.length} connections closed`));
    else if (closes.length > 0) checks.push(fail('live:close', title, 'close events arrived, but none for a connection the open events announced', { code: 'LIVE_CLOSE_UNMATCHED', hint: 'the close event\'s conn_id must use the fd close() was called with: create_conn_id(id, close_args->fd)' }));
    else checks.push(fail('live:close', title, 'no close event arrived', { code: 'LIVE_CLOSE_MISSING', hint: 'in the close return hook, submit a socket_close_event_t to socket_close_events when PT_REGS_RC(ctx) is not negative' }));
  }

  if (expected.exchange) {
    const title = 'whole exchanges: each request with its own response';
    const complete = exchanges.filter((e) => REQUEST.test(e.request.toString('latin1')) && RESPONSE.test(e.response.toString('latin1')));
    if (complete.length >= sizes.length) checks.push(pass('live:exchange', title, `${complete.length} complete exchanges`));
    else checks.push(fail('live:exchange', title, `${complete.length} of ${sizes.length} requests came out as a complete exchange (open, request, response, close on one connection)`, { code: 'LIVE_EXCHANGE_INCOMPLETE', hint: 'every event of a connection must carry the same conn_id: the pid (id >> 32) and the connection\'s fd' }));
  }

  if (expected.onlyTarget) {
    const title = 'only the target\'s events: other processes left out';
    if (filtered === 0) checks.push(pass('live:only-target', title, 'no event came from another process, the second client included'));
    else {
      checks.push(
        fail('live:only-target', title, `${filtered} events came from other processes (the workshop's second client among them): your program sends every process's calls`, {
          code: 'LIVE_OTHER_PROCESSES',
          hint: 'before sending an event, compare the pid the workshop wrote into the program\'s map with id >> 32, and return when they differ',
        }),
      );
    }
  }
  return checks;
}

function firstLine(s: string): string {
  return s.split('\r\n')[0] ?? s;
}

function missingData(what: 'request' | 'response', direction: 'ingress' | 'egress', data: DataEvent[]): string {
  if (data.length === 0) return `no data event arrived, so no ${what}`;
  // The other direction's events prove process_data works: the hooks of this syscall are
  // attached but never reach it (a lookup in the wrong map, a wrong key…).
  const syscall = direction === 'ingress' ? 'read' : 'write';
  const sameWay = data.filter((e) => e.direction === direction);
  if (sameWay.length === 0) return `no ${direction} data event arrived: your ${syscall} hooks are attached, but never sent one`;
  const sample = firstLine(text(sameWay[0]!)).slice(0, 40);
  return `${direction} data events arrived, but none holds the ${what} (the first one starts "${sample}")`;
}
