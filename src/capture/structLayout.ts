// Where each field of a learner's struct sits, computed with the C layout rules from the
// field list BCC gives (names and types, in order) and clang's own measurements of the
// named types. So a learner may order their fields as they like: we read them where they are.
import { alignUp, typeShape, type TypeShape } from './cTypes.js';

export interface FieldLayout {
  name: string;
  type: string;
  offset: number;
  size: number;
}

export interface StructLayout {
  fields: FieldLayout[];
  size: number;
  align: number;
}

export function layoutStruct(
  fields: ReadonlyArray<{ name: string; type: string }>,
  measured: ReadonlyMap<string, TypeShape>,
): StructLayout {
  let offset = 0;
  let align = 1;
  const placed: FieldLayout[] = [];
  for (const field of fields) {
    const shape = typeShape(field.type, measured);
    offset = alignUp(offset, shape.align);
    placed.push({ name: field.name, type: field.type, offset, size: shape.size });
    offset += shape.size;
    align = Math.max(align, shape.align);
  }
  return { fields: placed, size: alignUp(offset, align), align };
}

/**
 * Field lists of a struct from BCC's JSON-like type description
 * (`["conn_id_t", [["pid","unsigned int"], ["fd","int"]], "struct_packed"]`), padding
 * entries dropped. Null when the description is not valid JSON (BCC's is not, for some
 * kernel structs) or is not a struct.
 */
export function fieldsFromDescription(description: string | null): Array<{ name: string; type: string }> | null {
  if (!description) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(description);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || !Array.isArray(parsed[1]) || !String(parsed[2]).startsWith('struct')) return null;
  const fields: Array<{ name: string; type: string }> = [];
  for (const entry of parsed[1] as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') return null;
    const [name, type, dims] = entry as [string, unknown, unknown];
    if (name.startsWith('__pad')) continue;
    if (typeof type !== 'string') return null; // nested aggregates: not needed by the decoders
    const suffix = Array.isArray(dims) ? dims.map((d) => `[${d}]`).join('') : '';
    fields.push({ name, type: type + suffix });
  }
  return fields;
}
