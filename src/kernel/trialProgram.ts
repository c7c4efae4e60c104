// The decisive "can this machine run eBPF" test, for `doctor`: compile a one-line program
// with BCC, create its map, load it into the kernel and unload it again. Needs headers and
// tracefs ready (BCC needs both to compile anything).
import { BpfProgram } from '../engine/bpfProgram.js';
import { isWorkshopError } from '../errors/workshopError.js';

// A socket filter needs no attachment, so loading it touches nothing.
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

/** `kernelSource`: the headers the survey found (BCC_KERNEL_SOURCE of the compile; null for none). */
export async function loadTrialProgram(kernelSource: string | null): Promise<TrialOutcome> {
  let program: BpfProgram;
  try {
    program = await BpfProgram.compile(trialSource, { kernelSource, load: [{ name: 'ebpf_workshop_trial', type: 'socket_filter' }] });
  } catch (e) {
    if (!isWorkshopError(e, 'COMPILE_FAILED', 'COMPILER_CRASHED')) throw e;
    return { ok: false, detail: `BCC could not compile a one-line program: ${firstLine(e.raw ?? '') || 'no diagnostics'}` };
  }
  try {
    const map = program.table('ebpf_workshop_trial_map');
    if (!map || map.fd < 0) return { ok: false, detail: 'the kernel refused to create a BPF map' };
    program.programFd('ebpf_workshop_trial');
    return { ok: true, detail: 'compiled, created a map, loaded and unloaded a trivial program' };
  } catch (e) {
    if (!isWorkshopError(e, 'VERIFIER_REJECTED')) throw e;
    return { ok: false, detail: `the kernel refused to load a trivial BPF program: ${e.detail || firstLine(e.raw ?? '')}` };
  } finally {
    program.close();
  }
}
