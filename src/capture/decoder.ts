// Builds, from the learner's own struct layouts, a function per perf output that turns raw
// event bytes into CaptureEvents. Offsets are computed once; decoding is plain reads.
import type { PerfField } from '../engine/bpfProgram.js';
import type { TypeShape } from './cTypes.js';
import type { CaptureEvent, Direction, OutputName } from './events.js';
import { OUTPUTS } from './events.js';
import { decodeSockaddr } from './sockaddr.js';
import { fieldsFromDescription, layoutStruct, type FieldLayout } from './structLayout.js';
import type { Measurements } from './layoutProbes.js';

export interface EventDecoder {
  decode(bytes: Buffer): CaptureEvent;
  /** Only the pid: lets a filter skip other processes' events before decoding them. */
  pid(bytes: Buffer): number;
}

/** A field the view needs is missing or has a shape we cannot read. Names it. */
export class EventLayoutError extends Error {
  constructor(
    readonly output: string,
    readonly field: string,
    readonly why: string,
  ) {
    super(`the events of ${output} ${why}`);
    this.name = 'EventLayoutError';
  }
}

// kEgress = 0, kIngress = 1: the order of enum traffic_direction_t in the tutorial.
const DIRECTIONS: Direction[] = ['egress', 'ingress'];

export function createDecoder(output: OutputName, fields: PerfField[], measurements: Measurements): EventDecoder {
  const layout = layoutStruct(fields, measurements.shapes);
  const field = (name: string): FieldLayout | undefined => layout.fields.find((f) => f.name === name);
  const need = (name: string, why: string): FieldLayout => {
    const found = field(name);
    if (!found) throw new EventLayoutError(output, name, `have no \`${name}\` field: ${why}`);
    return found;
  };

  const connId = need('conn_id', 'it says which connection (pid and fd) an event belongs to');
  const { pid: pidAt, fd: fdAt } = connIdOffsets(output, connId, measurements);
  const timestamp = field('timestamp_ns');
  const readTimestamp = timestamp && timestamp.size === 8
    ? (b: Buffer) => b.readUInt32LE(timestamp.offset + 4) * 2 ** 32 + b.readUInt32LE(timestamp.offset)
    : () => 0;
  const base = (b: Buffer) => ({
    timestampNs: readTimestamp(b),
    pid: b.readUInt32LE(pidAt),
    fd: b.readInt32LE(fdAt),
  });

  const pid = (b: Buffer) => b.readUInt32LE(pidAt);
  switch (OUTPUTS[output]) {
    case 'open': {
      const addr = field('addr');
      return { pid, decode: (b) => ({
        type: 'open',
        ...base(b),
        client: addr ? decodeSockaddr(b.subarray(addr.offset, addr.offset + addr.size)) : null,
      }) };
    }
    case 'close':
      return { pid, decode: (b) => ({ type: 'close', ...base(b) }) };
    case 'data': {
      const direction = need('direction', 'it tells a request (ingress) from a response (egress)');
      const msg = need('msg', 'it carries the captured bytes');
      const msgSize = field('msg_size');
      if (direction.size !== 4) throw new EventLayoutError(output, 'direction', 'have a `direction` that is not an enum or 32-bit integer');
      const decode = (b: Buffer): CaptureEvent => {
        const captured = msgSize ? Math.min(b.readUInt32LE(msgSize.offset), msg.size) : msg.size;
        // Copy: the batch buffer belongs to the native reader and is freed when released.
        const payload = Buffer.from(b.subarray(msg.offset, msg.offset + captured));
        return {
          type: 'data',
          ...base(b),
          direction: DIRECTIONS[b.readUInt32LE(direction.offset)] ?? 'egress',
          size: captured,
          payload,
        };
      };
      return { pid, decode };
    }
  }
}

function connIdOffsets(output: string, connId: FieldLayout, measurements: Measurements): { pid: number; fd: number } {
  const typeName = connId.type.replace(/\s+/g, ' ').trim();
  const inner = fieldsFromDescription(measurements.descriptions.get(typeName) ?? null);
  if (!inner) throw new EventLayoutError(output, 'conn_id', `have a \`conn_id\` of type ${connId.type}, not a struct with pid and fd`);
  const layout = layoutStruct(inner, measurements.shapes as ReadonlyMap<string, TypeShape>);
  const pid = layout.fields.find((f) => f.name === 'pid');
  const fd = layout.fields.find((f) => f.name === 'fd');
  if (!pid || !fd || pid.size !== 4 || fd.size !== 4) {
    throw new EventLayoutError(output, 'conn_id', 'have a `conn_id` without 32-bit `pid` and `fd` fields');
  }
  return { pid: connId.offset + pid.offset, fd: connId.offset + fd.offset };
}
