// Must show: perf outputs opened and stopped in quick succession while events flow — as the
// app does when it attaches a level again to a restarted demo server — never crash the
// process. A stopped output's PerfBuffer is dropped at once, and the collector may free it
// while its final batches still wait in the queue to JavaScript; those calls must not touch
// it (they did: a write into freed memory, "double free or corruption" later). A build that
// counted them saw ~116 such calls in one run of this test before the fix; the write lands in
// freed memory silently, so this test fails before the fix only when that memory was reused.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { liveKernel } from '../helpers/kernel.js';
import { attachWriteProbe, compileWriteProbe } from '../helpers/writeProbe.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROUNDS = 60;

const PROGRAM = `
struct write_event_t {
  u32 pid;
  char head[60];
};

BPF_PERF_OUTPUT(write_events);

TRACEPOINT_PROBE(syscalls, sys_enter_write) {
  if ((bpf_get_current_pid_tgid() >> 32) != TARGET_PID) return 0;
  struct write_event_t event = {};
  event.pid = TARGET_PID;
  write_events.perf_submit(args, &event, sizeof(event));
  return 0;
}
`;

t.test('perf outputs stopped and collected while their last batches are queued', async (t) => {
  await liveKernel();
  // A writer that never pauses, for as long as the rounds take (bounded: 60 s at most).
  const writer = spawn('/bin/sh', ['-c', 'end=$(($(date +%s)+60)); while [ $(date +%s) -lt $end ]; do echo x; done'], { stdio: ['ignore', 'ignore', 'inherit'] });
  t.teardown(() => writer.kill('SIGKILL'));
  const program = await compileWriteProbe(t, PROGRAM, writer.pid!);
  attachWriteProbe(program);

  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  const [peer] = (await accepted) as [Socket];
  t.teardown(() => {
    client.destroy();
    peer.destroy();
    server.close();
  });

  let received = 0;
  let drained = 0;
  let littered = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Small rings and an early wake-up: many batches, several of them queued at stop().
    const output = program.openPerfOutput('write_events', (events) => (received += events.length), { pageCount: 2, wakeupEvents: 1, flushMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5 + (round % 4) * 5));
    // Go on from a socket's read, as the app goes on from its demo server's exit: the
    // collector's finalizers (setImmediate) then run before the next poll delivers the queued
    // batches. (After a thread-pool callback they would come after: one wake-up serves both.)
    client.write('x');
    await once(peer, 'data');
    output.stop(); // still attached: events keep coming until the final drain
    // The PerfBuffer is unreachable now: collect it before its queued calls run.
    gc();
    gc();
    // Memory the freed object had is taken again right away, as a busy app does.
    const litter = Array.from({ length: 200 }, () => Buffer.alloc(64 + (round % 8) * 64));
    await output.drained;
    drained++;
    littered += litter.length;
  }
  t.equal(drained, ROUNDS, 'every output drained');
  t.ok(received > 0, `events arrived (${received})`);
  t.equal(littered, ROUNDS * 200);
});
