// Builds, from the learner's own struct layouts and the track's description of its outputs,
// a function per perf output that turns raw event bytes into CaptureEvents. Offsets are
// computed once; decoding is plain reads.
import type { PerfField } from '../engine/bpfProgram.js';
import type { TypeShape } from './cTypes.js';
import type { EventOutputSpec, EventsSpec } from '../tracks/trackSpec.js';
import { NO_FD, type CaptureEvent, type Direction } from './events.js';
import { decodeSockaddr } from './sockaddr.js';
import { fieldsFromDescription, layoutStruct, type FieldLayout } from './structLayout.js';
import { WorkshopError } from '../errors/workshopError.js';
import type { Measurements } from './layoutProbes.js';

export interface EventDecoder {
  decode(bytes: Buffer): CaptureEvent;
  /** Only the pid: lets a filter skip other processes' events before decoding them. */
  pid(bytes: Buffer): number;
  /**
   * The event at bytes[start .. end) of a batch, read in place (no view made first). Its
   * payload is a view of `bytes`, not a copy: whoever keeps it keeps `bytes` alive.
   */
  decodeAt(bytes: Buffer, start: number, end: number): CaptureEvent;
  pidAt(bytes: Buffer, start: number, end: number): number;
}

/**
 * The events `kept` (indices, ascending) of a batch, copied into one Buffer of their own with
 * offsets to match — one copy per run of consecutive events. Decoded from it, payloads keep
 * alive only these events' bytes, not the whole batch they came in.
 */
export function compactEvents(bytes: Buffer, offsets: Uint32Array, kept: number[]): { source: Buffer; starts: Uint32Array } {
  const starts = new Uint32Array(kept.length + 1);
  let size = 0;
  for (let k = 0; k < kept.length; k++) {
    size += offsets[kept[k]! + 1]! - offsets[kept[k]!]!;
    starts[k + 1] = size;
  }
  const source = Buffer.allocUnsafeSlow(size);
  for (let k = 0; k < kept.length; ) {
    let run = k + 1;
    while (run < kept.length && kept[run] === kept[run - 1]! + 1) run++;
    bytes.copy(source, starts[k]!, offsets[kept[k]!]!, offsets[kept[run - 1]! + 1]!);
    k = run;
  }
  return { source, starts };
}

/** A field the view needs is missing or has a shape we cannot read (EVENT_LAYOUT). Names it. */
function eventLayoutError(output: string, field: string, why: string): WorkshopError {
  return new WorkshopError('EVENT_LAYOUT', `the events of ${output} ${why}`, {
    hint: 'compare your struct with the one in the level\'s instructions',
    subject: `${output}.${field}`,
  });
}

// kEgress = 0, kIngress = 1: the order of enum traffic_direction_t in the tutorial.
const DIRECTIONS: Direction[] = ['egress', 'ingress'];

export function createDecoder(spec: EventOutputSpec, key: EventsSpec['key'], fields: PerfField[], measurements: Measurements): EventDecoder {
  const output = spec.name;
  const layout = layoutStruct(fields, measurements.shapes);
  const field = (name: string): FieldLayout | undefined => layout.fields.find((f) => f.name === name);
  const need = (name: string, why: string): FieldLayout => {
    const found = field(name);
    if (!found) throw eventLayoutError(output, name, `have no \`${name}\` field: ${why}`);
    return found;
  };

  const { pid: pidAt, fd: fdAt } =
    key === 'connection'
      ? connIdOffsets(output, need('conn_id', 'it says which connection (pid and fd) an event belongs to'), measurements)
      : pidOffset(output, need('pid', 'it says which process an event belongs to'));
  const timestamp = field('timestamp_ns');
  const timestampAt = timestamp && timestamp.size === 8 ? timestamp.offset : -1;

  // Events are read in place in the batch, so reads past an event's end would not throw by
  // themselves (they would read the next event): a short event is refused up front, like a
  // read past the end of its own buffer would be.
  const fixedEnd = (...fields: (FieldLayout | undefined)[]) =>
    Math.max(pidAt + 4, fdAt + 4, timestampAt + 8, ...fields.map((f) => (f ? f.offset + 4 : 0)));
  const checked = (start: number, end: number, need: number) => {
    if (end - start < need) throw new RangeError(`the event of ${output} is ${end - start} bytes, shorter than ${need}`);
  };
  // Reads go through a DataView of the batch, made once per batch: V8 compiles its getters
  // to plain loads, where Buffer's readUInt32LE checks its argument on every call. The view
  // is dropped once the batch's synchronous decoding is over, so it never pins a batch.
  let viewed: Buffer | undefined;
  let view: DataView | undefined;
  const forget = () => {
    viewed = undefined;
    view = undefined;
  };
  const dataView = (b: Buffer): DataView => {
    if (b !== viewed) {
      if (viewed === undefined) queueMicrotask(forget);
      viewed = b;
      view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return view!;
  };
  const timestampNs = (v: DataView, start: number) =>
    timestampAt < 0 ? 0 : v.getUint32(start + timestampAt + 4, true) * 2 ** 32 + v.getUint32(start + timestampAt, true);
  const pid = (b: Buffer, start: number, end: number) => {
    checked(start, end, pidAt + 4);
    return dataView(b).getUint32(start + pidAt, true);
  };
  const whole = (decodeAt: EventDecoder['decodeAt']): EventDecoder => ({
    decodeAt,
    pidAt: pid,
    decode: (b) => decodeAt(b, 0, b.length),
    pid: (b) => pid(b, 0, b.length),
  });

  const fdOf = fdAt < 0 ? () => NO_FD : (v: DataView, start: number) => v.getInt32(start + fdAt, true);
  switch (spec.event) {
    case 'open': {
      const addr = field('addr');
      const minimum = fixedEnd();
      return whole((b, start, end) => {
        checked(start, end, minimum);
        const v = dataView(b);
        return {
          type: 'open',
          timestampNs: timestampNs(v, start),
          pid: v.getUint32(start + pidAt, true),
          fd: fdOf(v, start),
          client: addr ? decodeSockaddr(b.subarray(start + addr.offset, Math.min(start + addr.offset + addr.size, end))) : null,
        };
      });
    }
    case 'close': {
      const minimum = fixedEnd();
      return whole((b, start, end) => {
        checked(start, end, minimum);
        const v = dataView(b);
        return { type: 'close', timestampNs: timestampNs(v, start), pid: v.getUint32(start + pidAt, true), fd: fdOf(v, start) };
      });
    }
    case 'data': {
      const direction = need('direction', 'it tells a request (ingress) from a response (egress)');
      const msg = need('msg', 'it carries the captured bytes');
      const msgSize = spec.size === 'msg_size' ? field('msg_size') : undefined;
      if (direction.size !== 4) throw eventLayoutError(output, 'direction', 'have a `direction` that is not an enum or 32-bit integer');
      const minimum = fixedEnd(direction, msgSize);
      return whole((b, start, end) => {
        checked(start, end, minimum);
        const v = dataView(b);
        const captured = msgSize
          ? Math.min(v.getUint32(start + msgSize.offset, true), msg.size)
          : spec.size === 'nul'
            ? untilNul(b, start + msg.offset, Math.min(start + msg.offset + msg.size, end))
            : msg.size;
        // msg[0 .. captured), cut at the event's end.
        const payload = b.subarray(Math.min(start + msg.offset, end), Math.min(start + msg.offset + captured, end));
        return {
          type: 'data',
          timestampNs: timestampNs(v, start),
          pid: v.getUint32(start + pidAt, true),
          fd: fdOf(v, start),
          direction: DIRECTIONS[v.getUint32(start + direction.offset, true)] ?? 'egress',
          size: captured,
          payload,
        };
      });
    }
  }
}

/** Bytes from `from` up to the first NUL before `to`, or all of them. */
function untilNul(b: Buffer, from: number, to: number): number {
  const nul = b.indexOf(0, from);
  return (nul < 0 || nul >= to ? to : nul) - from;
}

/** A process-keyed event: a 32-bit `pid` field and no fd (fd offset -1). */
function pidOffset(output: string, pid: FieldLayout): { pid: number; fd: number } {
  if (pid.size !== 4) throw eventLayoutError(output, 'pid', 'have a `pid` that is not a 32-bit integer');
  return { pid: pid.offset, fd: -1 };
}

function connIdOffsets(output: string, connId: FieldLayout, measurements: Measurements): { pid: number; fd: number } {
  const typeName = connId.type.replace(/\s+/g, ' ').trim();
  const inner = fieldsFromDescription(measurements.descriptions.get(typeName) ?? null);
  if (!inner) throw eventLayoutError(output, 'conn_id', `have a \`conn_id\` of type ${connId.type}, not a struct with pid and fd`);
  const layout = layoutStruct(inner, measurements.shapes as ReadonlyMap<string, TypeShape>);
  const pid = layout.fields.find((f) => f.name === 'pid');
  const fd = layout.fields.find((f) => f.name === 'fd');
  if (!pid || !fd || pid.size !== 4 || fd.size !== 4) {
    throw eventLayoutError(output, 'conn_id', 'have a `conn_id` without 32-bit `pid` and `fd` fields');
  }
  return { pid: connId.offset + pid.offset, fd: connId.offset + fd.offset };
}
