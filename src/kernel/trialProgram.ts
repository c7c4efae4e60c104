// The decisive "can this machine run eBPF" test, for `doctor`: compile a one-line program
// with BCC, create its map, load it into the kernel and unload it again. Needs headers and
// tracefs ready (BCC needs both to compile anything).
import { addon } from '../native/addon.js';

/** enum bpf_prog_type: a socket filter needs no attachment, so loading it touches nothing. */
const BPF_PROG_TYPE_SOCKET_FILTER = 1;

const trialSource = `
BPF_ARRAY(ebpf_workshop_trial_map, u32, 1);
int ebpf_workshop_trial(void *ctx) { return 0; }
`;

export interface TrialOutcome {
  ok: boolean;
  detail: string;
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

export async function loadTrialProgram(): Promise<TrialOutcome> {
  const bcc = addon();
  const compiled = await bcc.compile(trialSource, []);
  const mod = compiled.module;
  if (!mod) return { ok: false, detail: `BCC could not compile a one-line program: ${firstLine(compiled.stderr) || 'no diagnostics'}` };
  try {
    const map = mod.tables().find((t) => t.name === 'ebpf_workshop_trial_map');
    if (!map || map.fd < 0) return { ok: false, detail: 'the kernel refused to create a BPF map' };
    const loaded = await mod.loadFunction('ebpf_workshop_trial', BPF_PROG_TYPE_SOCKET_FILTER);
    if (loaded.fd < 0) {
      return { ok: false, detail: `the kernel refused to load a trivial BPF program: ${loaded.error || firstLine(loaded.log)}` };
    }
    mod.unloadFunction(loaded.fd);
    return { ok: true, detail: 'compiled, created a map, loaded and unloaded a trivial program' };
  } finally {
    mod.close();
  }
}
