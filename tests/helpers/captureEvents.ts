// Capture events made by hand, and a ConnectionTracker that collects the exchanges it makes
// of them: the tracker's unit tests feed it connections event by event.
import { ConnectionTracker, type Exchange } from '../../src/capture/connectionTracker.js';
import type { CaptureEvent } from '../../src/capture/events.js';

type Client = Extract<CaptureEvent, { type: 'open' }>['client'];

export const openEvent = (fd: number, pid = 7, client: Client = null): CaptureEvent => ({ type: 'open', timestampNs: 1, pid, fd, client });
export const dataEvent = (fd: number, direction: 'ingress' | 'egress', text: string, pid = 7): CaptureEvent => ({
  type: 'data', timestampNs: 2, pid, fd, direction, size: text.length, payload: Buffer.from(text),
});
export const closeEvent = (fd: number, pid = 7): CaptureEvent => ({ type: 'close', timestampNs: 3, pid, fd });

/** A tracker (with `options`) and the exchanges it has emitted so far. */
export function trackExchanges(options: ConstructorParameters<typeof ConnectionTracker>[1] = {}) {
  const exchanges: Exchange[] = [];
  return { tracker: new ConnectionTracker((e) => exchanges.push(e), options), exchanges };
}
