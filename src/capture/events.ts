// The events a track's program sends, as the runner sees them after decoding. Which perf
// output carries which kind, and how its events are keyed, is the track's data (events in
// track.json, EventsSpec).

export interface ClientAddress {
  family: 'ipv4' | 'ipv6' | 'unknown';
  address: string;
  port: number;
}

interface EventBase {
  /** bpf_ktime_get_ns() of the event, or 0 when the learner's struct has no timestamp. */
  timestampNs: number;
  pid: number;
  /** The connection's fd; NO_FD when the track's events are keyed by process alone. */
  fd: number;
}

/** The fd of an event that names none: a per-process stream (the TLS track's data events). */
export const NO_FD = -1;

export interface OpenEvent extends EventBase {
  type: 'open';
  /** Null when the learner's open event has no `addr` field. */
  client: ClientAddress | null;
}

export type Direction = 'ingress' | 'egress';

export interface DataEvent extends EventBase {
  type: 'data';
  direction: Direction;
  /** Bytes of the message: msg_size (at most the captured length), or msg up to its first NUL. */
  size: number;
  /** The captured bytes (msg[0..size)). */
  payload: Buffer;
}

export interface CloseEvent extends EventBase {
  type: 'close';
}

export type CaptureEvent = OpenEvent | DataEvent | CloseEvent;


/**
 * The event with a payload of its own. A decoded payload is a view of the perf batch it came
 * in (up to a MiB): whatever keeps events for long keeps copies, so the batch can be freed.
 */
export function keptEvent<E extends CaptureEvent>(event: E): E {
  return event.type === 'data' ? { ...event, payload: Buffer.from(event.payload) } : event;
}
