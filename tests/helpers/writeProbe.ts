// The engine's live tests watch one process's write() calls: a program with
// TRACEPOINT_PROBE(syscalls, sys_enter_write) that keeps the writes of TARGET_PID, and a child
// whose writes it counts.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { Test } from 'tap';
import { BpfProgram, type Attachment } from '../../src/engine/bpfProgram.js';

const WRITE_PROBE = 'tracepoint__syscalls__sys_enter_write';

/** Compiles `source` for `targetPid` (-DTARGET_PID) with its write probe loaded; closed when the test ends. */
export async function compileWriteProbe(t: Test, source: string, targetPid: number): Promise<BpfProgram> {
  const program = await BpfProgram.compile(source, {
    cflags: [`-DTARGET_PID=${targetPid}`],
    load: [{ name: WRITE_PROBE, type: 'tracepoint' }],
  });
  t.teardown(() => program.close());
  return program;
}

/** Attaches the write probe to syscalls:sys_enter_write. */
export function attachWriteProbe(program: BpfProgram): Attachment {
  return program.attachTracepoint(program.programFd(WRITE_PROBE), 'syscalls', 'sys_enter_write');
}

/**
 * A shell that waits for "go" on its stdin (so every write comes after the probe is attached),
 * then writes `<prefix>-00000` … to its stdout (fd 1), one line a write, `count` of them.
 */
export function spawnWriter(prefix: string, count: number): ChildProcessByStdio<Writable, null, null> {
  return spawn('/bin/sh', ['-c', `read go; i=0; while [ $i -lt ${count} ]; do printf '${prefix}-%05d\\n' $i; i=$((i+1)); done`], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}
