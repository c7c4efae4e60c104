// Must show (issue 15): events received + events reported lost = events the kernel tried to
// submit, even when the reader stalls and a burst ends with its last events dropped — when
// nothing comes after them to carry the kernel's LOST record. A one-page ring, a reader held
// back (JavaScript busy, a backlog cap of one byte), and a child that makes exactly N writes,
// each of which the probe submits.
import t from 'tap';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { batchHandler } from '../../src/engine/perfOutput.js';
import { liveKernel } from '../helpers/kernel.js';
import { attachWriteProbe, compileWriteProbe, spawnWriter } from '../helpers/writeProbe.js';

const WRITES = 3000;

const PROGRAM = `
#include <uapi/linux/ptrace.h>

struct write_event_t {
  u32 pid;
  u32 fd;
  char head[200];
};

BPF_PERF_OUTPUT(write_events);

TRACEPOINT_PROBE(syscalls, sys_enter_write) {
  u32 pid = bpf_get_current_pid_tgid() >> 32;
  if (pid != TARGET_PID || args->fd != 1) return 0;
  struct write_event_t event = {};
  event.pid = pid;
  event.fd = args->fd;
  bpf_probe_read_user(&event.head, 16, args->buf);
  write_events.perf_submit(args, &event, sizeof(event));
  return 0;
}
`;

/**
 * Blocks this thread (and so the JavaScript side of every perf reader) until process `pid`
 * has exited (a zombie: nobody can reap it meanwhile), and 100 ms more; at most 20 s.
 */
function stallUntilExited(pid: number): void {
  const deadline = Date.now() + 20_000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) Atomics.wait(nap, 0, 0, 10);
  Atomics.wait(nap, 0, 0, 100);
}

t.test('a stalled reader on a one-page ring: received + lost = every write', async (t) => {
  await liveKernel();
  const child = spawnWriter('ws-loss', WRITES);
  const program = await compileWriteProbe(t, PROGRAM, child.pid!);

  const heads = new Set<string>();
  let received = 0;
  let lost = 0;
  const output = program.openPerfOutput(
    'write_events',
    (events, lostNow) => {
      lost += lostNow;
      received += events.length;
      for (const e of events) heads.add(e.toString('latin1', 8, 21));
    },
    { pageCount: 1, wakeupEvents: 1, flushMs: 20, maxBacklogBytes: 1 },
  );
  const attachment = attachWriteProbe(program);

  child.stdin.end('go\n');
  // The child writes while this thread cannot take a batch: the poller stops at its backlog
  // cap, the ring fills, and the kernel drops the rest — the last writes included, so no
  // later event carries the kernel's count of them.
  stallUntilExited(child.pid!);
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'the writer finished');

  program.detach(attachment); // nothing more is submitted: the count is final
  output.stop();
  await output.drained;

  const stats = output.stats();
  t.ok(lost > 0, `the stalled reader lost events (${lost})`);
  t.ok(received > 0, `and received some (${received})`);
  t.equal(received + lost, WRITES, `received ${received} + lost ${lost} = the ${WRITES} writes`);
  t.equal(heads.size, received, 'no event twice');
  t.equal(stats.lost, lost, 'the stats agree');
  t.equal(stats.events, received);
  t.equal(stats.lostExact, true, 'every ring reported its drops');
});

t.test('after stop(), one batch marked final comes last, and drained settles after it', async (t) => {
  await liveKernel();
  const program = await compileWriteProbe(t, PROGRAM, 1);
  const finals: boolean[] = [];
  const output = program.openPerfOutput('write_events', batchHandler((batch) => finals.push(batch.final)));
  await new Promise((resolve) => setTimeout(resolve, 100));
  output.stop();
  let settled = false;
  void output.drained.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(finals.includes(true) && !settled, 'drained settles with the final batch');
  await output.drained;
  t.equal(finals.filter(Boolean).length, 1, 'one final batch');
  t.equal(finals.at(-1), true, 'and it is the last');
  t.equal(output.stats().lostExact, true);
  t.ok(output.stats().markerRounds >= 1, 'the rings were marked at the end');
});
