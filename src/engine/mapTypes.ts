// Names for the kernel's enum bpf_map_type values that BCC programs use.
const MAP_KINDS: Record<number, string> = {
  1: 'hash',
  2: 'array',
  3: 'prog_array',
  4: 'perf_event_array',
  5: 'percpu_hash',
  6: 'percpu_array',
  7: 'stack_trace',
  8: 'cgroup_array',
  9: 'lru_hash',
  10: 'lru_percpu_hash',
  11: 'lpm_trie',
  12: 'array_of_maps',
  13: 'hash_of_maps',
  27: 'ringbuf',
};

export type MapKind = string;

export function mapKind(type: number): MapKind {
  return MAP_KINDS[type] ?? `type_${type}`;
}

/** enum bpf_prog_type values we load. */
export const ProgramType = { socket_filter: 1, kprobe: 2, tracepoint: 5 } as const;
export type ProgramTypeName = keyof typeof ProgramType;
