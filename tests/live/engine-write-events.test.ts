// Must show (engine): a program with a BPF_HASH and a BPF_PERF_OUTPUT on the write syscall;
// a child makes N writes; exactly N decoded events arrive, none lost.
import t from 'tap';
import { once } from 'node:events';
import { liveKernel } from '../helpers/kernel.js';
import { attachWriteProbe, compileWriteProbe, spawnWriter } from '../helpers/writeProbe.js';
import { waitUntil } from '../helpers/waitUntil.js';

const WRITES = 5000;

// The child writes to its stdout (fd 1) only; the probe keeps that pid's fd-1 writes, so nothing else
// the child (or the machine) does can blur the count.
const PROGRAM = `
#include <uapi/linux/ptrace.h>

struct write_event_t {
  u32 pid;
  u32 fd;
  u64 count;
  char head[16];
};

BPF_HASH(writes_per_pid, u32, u64);
BPF_PERF_OUTPUT(write_events);

TRACEPOINT_PROBE(syscalls, sys_enter_write) {
  u32 pid = bpf_get_current_pid_tgid() >> 32;
  if (pid != TARGET_PID || args->fd != 1) return 0;
  u64 zero = 0;
  u64 *seen = writes_per_pid.lookup_or_try_init(&pid, &zero);
  if (seen) __sync_fetch_and_add(seen, 1);
  struct write_event_t event = {};
  event.pid = pid;
  event.fd = args->fd;
  event.count = args->count;
  bpf_probe_read_user(&event.head, sizeof(event.head), args->buf);
  write_events.perf_submit(args, &event, sizeof(event));
  return 0;
}
`;

t.test('N writes by a child arrive as exactly N events, none lost', async (t) => {
  const env = await liveKernel();
  t.equal(env.attachMode, 'tracepoint', 'this kernel has no kprobes: tracepoint mode');

  // The child waits for "go" on stdin, so every write happens after the probe is attached.
  const child = spawnWriter('ws-write', WRITES);
  const program = await compileWriteProbe(t, PROGRAM, child.pid!);

  t.same(
    program.tables().map((table) => [table.name, table.kind]).sort(),
    [['write_events', 'perf_event_array'], ['writes_per_pid', 'hash']],
  );
  t.same(program.perfOutputFields('write_events').map((f) => f.name), ['pid', 'fd', 'count', 'head']);

  const heads: string[] = [];
  let lost = 0;
  const output = program.openPerfOutput('write_events', (events, lostNow) => {
    lost += lostNow;
    for (const e of events) heads.push(e.toString('latin1', 16, 30));
  });
  attachWriteProbe(program);

  child.stdin.end('go\n');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'the writer finished');

  await waitUntil(() => heads.length >= WRITES, 5000);
  output.stop();
  await new Promise((r) => setTimeout(r, 100)); // batches read before stop() still arrive

  t.equal(heads.length, WRITES, `exactly ${WRITES} events`);
  t.equal(lost, 0, 'none lost');
  t.equal(output.stats().lost, 0);
  t.equal(heads[0], 'ws-write-00000');
  t.equal(heads[WRITES - 1], `ws-write-${String(WRITES - 1).padStart(5, '0')}`);
  t.equal(new Set(heads).size, WRITES, 'every write once, none twice');
});
