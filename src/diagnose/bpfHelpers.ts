// BPF helpers as the verifier names them, and as the learner wrote them in BCC's C.

/** Helpers a BCC program commonly calls by name; a misspelt call is checked against these. */
export const BPF_HELPER_NAMES = [
  'bpf_get_current_pid_tgid',
  'bpf_get_current_uid_gid',
  'bpf_get_current_comm',
  'bpf_get_current_task',
  'bpf_get_smp_processor_id',
  'bpf_ktime_get_ns',
  'bpf_ktime_get_boot_ns',
  'bpf_probe_read',
  'bpf_probe_read_str',
  'bpf_probe_read_user',
  'bpf_probe_read_user_str',
  'bpf_probe_read_kernel',
  'bpf_probe_read_kernel_str',
  'bpf_trace_printk',
  'bpf_map_lookup_elem',
  'bpf_map_update_elem',
  'bpf_map_delete_elem',
  'bpf_perf_event_output',
  'bpf_get_prandom_u32',
  'bpf_ntohs',
  'bpf_htons',
  'bpf_ntohl',
  'bpf_htonl',
];

/**
 * How the learner calls what the verifier names: BCC turns `m.lookup(&k)` into
 * bpf_map_lookup_elem, `out.perf_submit(…)` into bpf_perf_event_output.
 */
const AS_WRITTEN: Record<string, { label: string; call: RegExp }> = {
  bpf_map_lookup_elem: { label: 'lookup()', call: /(?:\.lookup|\bbpf_map_lookup_elem)\b/ },
  bpf_map_update_elem: { label: 'update()', call: /(?:\.update|\bbpf_map_update_elem)\b/ },
  bpf_map_delete_elem: { label: 'delete()', call: /(?:\.delete|\bbpf_map_delete_elem)\b/ },
  bpf_perf_event_output: { label: 'perf_submit()', call: /(?:\.perf_submit|\bbpf_perf_event_output)\b/ },
};

/** The name to show the learner: `perf_submit()` for bpf_perf_event_output, `bpf_probe_read()` as is. */
export function helperLabel(helper: string): string {
  return AS_WRITTEN[helper]?.label ?? `${helper}()`;
}

/** A pattern finding the learner's call of a helper in their source. */
export function helperCallPattern(helper: string): RegExp {
  if (AS_WRITTEN[helper]) return AS_WRITTEN[helper].call;
  // bpf_probe_read also covers _user/_kernel/_str spellings of the same copy.
  const base = helper.replace(/_(user|kernel)(?=_str$|$)/, '').replace(/_str$/, '');
  return new RegExp(`\\b${base}(?:_user|_kernel)?(?:_str)?\\b`);
}

/** For size errors: which argument (1-based, as registers R1–R5 count them) is what. */
export function helperArgumentName(helper: string, position: number): string | undefined {
  if (/^bpf_probe_read/.test(helper)) return ['destination', 'size', 'source'][position - 1];
  if (helper === 'bpf_perf_event_output') return ['ctx', 'output', 'flags', 'data', 'size'][position - 1];
  if (helper === 'bpf_get_current_comm') return ['buffer', 'size'][position - 1];
  return undefined;
}

/**
 * Which argument of the learner's call a register holds. perf_submit(ctx, data, size) drops
 * the map and flags that bpf_perf_event_output(ctx, map, flags, data, size) takes.
 */
export function writtenArgumentIndex(helper: string, register: number): number | undefined {
  if (helper === 'bpf_perf_event_output') return ({ 1: 0, 4: 1, 5: 2 } as Record<number, number>)[register];
  // m.update(&key, &value): the map itself (R1) is not an argument as written.
  if (/^bpf_map_/.test(helper)) return register >= 2 ? register - 2 : undefined;
  if (register >= 1 && register <= 5) return register - 1;
  return undefined;
}
