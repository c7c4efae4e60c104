// Clang knows the layout of the learner's types; BCC only tells us a perf output's field
// names and types. To learn sizes and alignments in the same compile, we append a few
// one-entry tables whose value types are measured by clang: a table of `struct X` reports
// sizeof(struct X) as its leaf size, and one of `char[_Alignof(struct X)]` its alignment.
import type { TableInfo } from '../engine/bpfProgram.js';
import type { TypeShape } from './cTypes.js';
import { topLevelAggregates } from '../c/cText.js';

/** File name the appended probes carry in diagnostics (via #line). */
export const PROBE_FILE = '<ebpf-workshop layout probes>';
const PREFIX = '__ws_layout_';

export function isLayoutProbe(tableName: string): boolean {
  return tableName.startsWith(PREFIX);
}

export function withLayoutProbes(source: string): string {
  const lines = topLevelAggregates(source).flatMap(({ keyword, name }, i) => [
    `BPF_ARRAY(${PREFIX}s${i}, ${keyword} ${name}, 1);`,
    `BPF_ARRAY(${PREFIX}a${i}, struct { char c[_Alignof(${keyword} ${name})]; }, 1);`,
  ]);
  if (lines.length === 0) return source;
  return `${source}\n#line 1 "${PROBE_FILE}"\n${lines.join('\n')}\n`;
}

export interface Measurements {
  /** `struct conn_id_t` → size and alignment. */
  shapes: Map<string, TypeShape>;
  /** `struct conn_id_t` → BCC's description of it (for nested field lists). */
  descriptions: Map<string, string | null>;
}

export function readMeasurements(source: string, tables: TableInfo[]): Measurements {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const shapes = new Map<string, TypeShape>();
  const descriptions = new Map<string, string | null>();
  topLevelAggregates(source).forEach(({ keyword, name }, i) => {
    const size = byName.get(`${PREFIX}s${i}`);
    const align = byName.get(`${PREFIX}a${i}`);
    if (!size || !align) return;
    shapes.set(`${keyword} ${name}`, { size: size.leafSize, align: align.leafSize });
    descriptions.set(`${keyword} ${name}`, size.leafDesc);
  });
  return { shapes, descriptions };
}
