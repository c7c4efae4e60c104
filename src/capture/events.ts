// The events the tutorial's program sends, as the runner sees them after decoding.

export interface ClientAddress {
  family: 'ipv4' | 'ipv6' | 'unknown';
  address: string;
  port: number;
}

interface EventBase {
  /** bpf_ktime_get_ns() of the event, or 0 when the learner's struct has no timestamp. */
  timestampNs: number;
  pid: number;
  fd: number;
}

export interface OpenEvent extends EventBase {
  type: 'open';
  /** Null when the learner's open event has no `addr` field. */
  client: ClientAddress | null;
}

export type Direction = 'ingress' | 'egress';

export interface DataEvent extends EventBase {
  type: 'data';
  direction: Direction;
  /** Bytes of the syscall the probe reported (msg_size), at most the captured length. */
  size: number;
  /** The captured bytes (msg[0..size)). */
  payload: Buffer;
}

export interface CloseEvent extends EventBase {
  type: 'close';
}

export type CaptureEvent = OpenEvent | DataEvent | CloseEvent;

/** The tutorial's perf outputs and the event each carries. */
export const OUTPUTS = {
  socket_open_events: 'open',
  socket_data_events: 'data',
  socket_close_events: 'close',
} as const;
export type OutputName = keyof typeof OUTPUTS;
