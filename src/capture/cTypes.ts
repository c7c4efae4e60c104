// Sizes and alignments of the C types BPF programs put in events (x86_64/arm64 BPF ABI:
// LP64, little-endian). Named structs, unions and enums are measured by clang itself
// (see layoutProbes.ts) and passed in as `measured`.
import { WorkshopError } from '../errors/workshopError.js';

export interface TypeShape {
  size: number;
  align: number;
}

const PRIMITIVES: Record<string, number> = {
  char: 1, 'signed char': 1, 'unsigned char': 1, bool: 1, _Bool: 1,
  u8: 1, s8: 1, __u8: 1, __s8: 1, uint8_t: 1, int8_t: 1,
  short: 2, 'unsigned short': 2, 'short int': 2, 'short unsigned int': 2,
  u16: 2, s16: 2, __u16: 2, __s16: 2, __be16: 2, __le16: 2, uint16_t: 2, int16_t: 2,
  int: 4, 'unsigned int': 4, unsigned: 4, 'signed int': 4,
  u32: 4, s32: 4, __u32: 4, __s32: 4, __be32: 4, __le32: 4, uint32_t: 4, int32_t: 4, pid_t: 4, float: 4,
  long: 8, 'unsigned long': 8, 'long long': 8, 'unsigned long long': 8, 'long int': 8,
  'long unsigned int': 8, 'long long int': 8, 'long long unsigned int': 8,
  u64: 8, s64: 8, __u64: 8, __s64: 8, __be64: 8, uint64_t: 8, int64_t: 8, size_t: 8, ssize_t: 8, double: 8,
};

export interface ParsedType {
  /** The element type without qualifiers or array dimensions: `char`, `struct conn_id_t`. */
  base: string;
  /** Array dimensions, outermost first; empty for a scalar. */
  dims: number[];
  pointer: boolean;
}

export function parseType(text: string): ParsedType {
  let rest = text.replace(/\b(const|volatile|restrict)\b/g, ' ').trim();
  const dims: number[] = [];
  for (let m = /\[(\d+)\]\s*$/.exec(rest); m; m = /\[(\d+)\]\s*$/.exec(rest)) {
    dims.unshift(Number(m[1]));
    rest = rest.slice(0, m.index).trim();
  }
  const pointer = rest.endsWith('*');
  const base = rest.replace(/\*+$/, '').replace(/\s+/g, ' ').trim();
  return { base, dims, pointer };
}


/** Size and alignment of a type; `measured` holds named aggregates (`struct x`, `enum y`). */
export function typeShape(text: string, measured: ReadonlyMap<string, TypeShape>): TypeShape {
  const { base, dims, pointer } = parseType(text);
  let element: TypeShape;
  if (pointer) element = { size: 8, align: 8 };
  else if (PRIMITIVES[base] !== undefined) element = { size: PRIMITIVES[base]!, align: PRIMITIVES[base]! };
  else if (measured.has(base)) element = measured.get(base)!;
  else if (base.startsWith('enum ')) element = { size: 4, align: 4 };
  else {
    throw new WorkshopError('EVENT_LAYOUT', `cannot tell the size of the C type "${text}"`, {
      hint: 'use the types of the level\'s instructions in your event structs',
      subject: text,
    });
  }
  const count = dims.reduce((a, b) => a * b, 1);
  return { size: element.size * count, align: element.align };
}

export function alignUp(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}
