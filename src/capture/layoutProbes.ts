// Clang knows the layout of the learner's types; BCC only tells us a perf output's field
// names and types. To learn the sizes and alignments of the types an event's members have,
// we append one one-entry table per such type to the same compile, measured by clang: its
// value is `struct X`, so its leaf size is sizeof(struct X), and its key is
// `char[_Alignof(struct X)]`, so its key size is the alignment. Each table costs the compile
// a few ms, hence one per type, and only for types that are some member's type.
import type { TableInfo } from '../engine/bpfProgram.js';
import type { TypeShape } from './cTypes.js';
import { topLevelAggregates, type TopLevelAggregate } from '../c/cSource.js';

/** File name the appended probes carry in diagnostics (via #line). */
export const PROBE_FILE = '<ebpf-workshop layout probes>';
const PREFIX = '__ws_layout_';

export function isLayoutProbe(tableName: string): boolean {
  return tableName.startsWith(PREFIX);
}

/**
 * The file's aggregates that are the type of some other aggregate's member (`struct
 * conn_id_t conn_id;` inside an event): the decoders need their shapes, and only theirs —
 * BCC lists an event's own fields.
 */
function memberAggregates(source: string): TopLevelAggregate[] {
  const aggregates = topLevelAggregates(source);
  const used = new Set<string>();
  for (const { body } of aggregates) {
    for (const m of body.matchAll(/\b(struct|union|enum)\s+([A-Za-z_]\w*)\b/g)) used.add(`${m[1]} ${m[2]}`);
  }
  return aggregates.filter(({ keyword, name }) => used.has(`${keyword} ${name}`));
}

/** The probes appended to a program: which table measures which type. */
export interface LayoutProbes {
  /** The program with the probe tables appended. */
  source: string;
  /** Table name → the type it measures, e.g. `__ws_layout_0` → `struct conn_id_t`. */
  tables: Map<string, string>;
}

export function withLayoutProbes(source: string): LayoutProbes {
  const tables = new Map(memberAggregates(source).map(({ keyword, name }, i) => [`${PREFIX}${i}`, `${keyword} ${name}`]));
  if (tables.size === 0) return { source, tables };
  const lines = [...tables].map(([table, type]) => `BPF_HASH(${table}, struct { char c[_Alignof(${type})]; }, ${type}, 1);`);
  return { source: `${source}\n#line 1 "${PROBE_FILE}"\n${lines.join('\n')}\n`, tables };
}

export interface Measurements {
  /** `struct conn_id_t` → size and alignment. */
  shapes: Map<string, TypeShape>;
  /** `struct conn_id_t` → BCC's description of it (for nested field lists). */
  descriptions: Map<string, string | null>;
}

export function readMeasurements(probes: LayoutProbes, tables: TableInfo[]): Measurements {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const shapes = new Map<string, TypeShape>();
  const descriptions = new Map<string, string | null>();
  for (const [table, type] of probes.tables) {
    const probe = byName.get(table);
    if (!probe) continue;
    shapes.set(type, { size: probe.leafSize, align: probe.keySize });
    descriptions.set(type, probe.leafDesc);
  }
  return { shapes, descriptions };
}
