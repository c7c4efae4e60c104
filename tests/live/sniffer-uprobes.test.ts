// Must show (TLS track, sniffer): a program in the TLS track's shape — uprobe hooks named by
// the track, the original runner's BPF_PERCPU_ARRAY(pid, int, 1) filter — is built for this
// kernel's attach mode without the syscall rewrite (its uretprobes read the real return value),
// its pid filter gets the target's pid on every CPU before anything is attached, its hooks
// attach to the libssl the target maps, and a real HTTPS exchange comes out in plaintext.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { possibleCpuCount } from '../../src/engine/cpus.js';
import { PID_FILTER_MAP, Sniffer, type UprobeHookSpec } from '../../src/sniffer/sniffer.js';
import { WorkshopError } from '../../src/errors/workshopError.js';
import { NativeServer } from '../../src/targets/nativeServer.js';
import { liveKernel } from '../helpers/kernel.js';
import { waitUntil } from '../helpers/waitUntil.js';

const run = promisify(execFile);

const HOOKS: UprobeHookSpec[] = [
  { name: 'probe_entry_ssl_write', library: 'ssl', symbol: 'SSL_write', return: false },
  { name: 'probe_ret_ssl_write', library: 'ssl', symbol: 'SSL_write', return: true },
  { name: 'probe_entry_ssl_read', library: 'ssl', symbol: 'SSL_read', return: false },
  { name: 'probe_ret_ssl_read', library: 'ssl', symbol: 'SSL_read', return: true },
];

const PROGRAM = `#include <uapi/linux/ptrace.h>

#define MAX_SIZE 400
enum traffic_direction_t { kEgress, kIngress };
struct data_event_t {
  uint64_t timestamp_ns;
  uint32_t pid;
  enum traffic_direction_t direction;
  char msg[MAX_SIZE];
};

BPF_PERCPU_ARRAY(pid, int, 1);
BPF_HASH(tls_write_args_map, uint64_t, const char *);
BPF_HASH(tls_read_args_map, uint64_t, const char *);
BPF_PERF_OUTPUT(data_events);
BPF_PERCPU_ARRAY(data_buffer_heap, struct data_event_t, 1);

static int traced(uint32_t current) {
  int zero = 0;
  int *wanted = pid.lookup(&zero);
  return wanted != NULL && (*wanted == -1 || *wanted == (int)current);
}

static void submit(struct pt_regs *ctx, enum traffic_direction_t direction, const char *buf, long len) {
  uint64_t id = bpf_get_current_pid_tgid();
  int zero = 0;
  struct data_event_t *event = data_buffer_heap.lookup(&zero);
  if (event == NULL || len <= 0) return;
  event->timestamp_ns = bpf_ktime_get_ns();
  event->pid = id >> 32;
  event->direction = direction;
  // 64 bits throughout: the verifier then knows the size is between 1 and MAX_SIZE.
  if (len > MAX_SIZE) len = MAX_SIZE;
  __builtin_memset(event->msg, 0, MAX_SIZE);
  bpf_probe_read_user(event->msg, len, buf);
  data_events.perf_submit(ctx, event, sizeof(*event));
}

int probe_entry_ssl_write(struct pt_regs *ctx) {
  uint64_t id = bpf_get_current_pid_tgid();
  if (!traced(id >> 32)) return 0;
  const char *buf = (const char *)PT_REGS_PARM2(ctx);
  tls_write_args_map.update(&id, &buf);
  return 0;
}

int probe_ret_ssl_write(struct pt_regs *ctx) {
  uint64_t id = bpf_get_current_pid_tgid();
  const char **buf = tls_write_args_map.lookup(&id);
  if (buf != NULL) submit(ctx, kEgress, *buf, PT_REGS_RC(ctx));
  tls_write_args_map.delete(&id);
  return 0;
}

int probe_entry_ssl_read(struct pt_regs *ctx) {
  uint64_t id = bpf_get_current_pid_tgid();
  if (!traced(id >> 32)) return 0;
  const char *buf = (const char *)PT_REGS_PARM2(ctx);
  tls_read_args_map.update(&id, &buf);
  return 0;
}

int probe_ret_ssl_read(struct pt_regs *ctx) {
  uint64_t id = bpf_get_current_pid_tgid();
  const char **buf = tls_read_args_map.lookup(&id);
  if (buf != NULL) submit(ctx, kIngress, *buf, PT_REGS_RC(ctx));
  tls_read_args_map.delete(&id);
  return 0;
}
`;

/** The demo server over TLS, and PROGRAM built for this kernel with the track's hooks; both gone at the test's end. */
async function tlsServerAndSniffer(t: Test): Promise<{ server: NativeServer; sniffer: Sniffer }> {
  const env = await liveKernel();
  const server = await NativeServer.start({ tls: true, port: 0 });
  t.teardown(() => server.stop());
  const sniffer = await Sniffer.build({ text: PROGRAM, fileName: 'tls.c' }, env.attachMode, { uprobes: HOOKS });
  t.teardown(() => sniffer.close());
  return { server, sniffer };
}

t.test('a TLS-track program: pid filter written on every CPU, uprobes on the target\'s libssl, plaintext captured', async (t) => {
  const { server, sniffer } = await tlsServerAndSniffer(t);

  const lineOf = (name: string) => PROGRAM.split('\n').findIndex((line) => line.startsWith(`int ${name}(`)) + 1;
  t.same(
    sniffer.hooks.map((h) => [h.name, h.via, h.kind, h.line]),
    HOOKS.map((h) => [h.name, 'uprobe', h.return ? 'return' : 'entry', lineOf(h.name)]),
    'the track\'s hooks, found at their lines',
  );

  const attached = sniffer.start(HOOKS.map((h) => h.name), { targetPid: server.pid });
  t.equal(attached.length, 4);
  t.match(attached[0]!.attachment.target, /^uprobe:\/.*\/libssl\.so\.\d+:SSL_write$/);
  t.match(attached[1]!.attachment.target, /^uretprobe:\/.*\/libssl\.so\.\d+:SSL_write$/);
  const filter = sniffer.program.readPerCpu(PID_FILTER_MAP, Buffer.alloc(4)).map((b) => b.readInt32LE(0));
  t.same(filter, new Array(possibleCpuCount()).fill(server.pid), `${PID_FILTER_MAP} holds the server's pid on all ${possibleCpuCount()} CPUs`);

  const events: { pid: number; direction: number; msg: string }[] = [];
  sniffer.program.openPerfOutput('data_events', (raws) => {
    for (const raw of raws) {
      events.push({ pid: raw.readUInt32LE(8), direction: raw.readUInt32LE(12), msg: raw.toString('latin1', 16, 416).replace(/\0+$/, '') });
    }
  });
  const { stdout } = await run('curl', ['-sk', `${server.url}/customResponse`, '-d', '{"size": 30}']);
  t.match(stdout, /^\{"answer": "[A-Za-z0-9]{30}"\}$/);
  await waitUntil(() => events.some((e) => e.direction === 0), 5000);

  t.ok(events.every((e) => e.pid === server.pid), 'only the target\'s calls: curl\'s own SSL_write was filtered out');
  const request = events.find((e) => e.direction === 1);
  const response = events.find((e) => e.direction === 0);
  t.match(request?.msg, /^POST \/customResponse HTTP\/1\.1\r\n[\s\S]*\r\n\r\n\{"size": 30\}$/, 'ingress: the whole request, its length from SSL_read\'s return value');
  t.match(response?.msg, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"answer": "[A-Za-z0-9]{30}"\}$/, 'egress: the whole response');
});

t.test('filterPid -1 (run --all-processes): the filter lets every process through, curl\'s calls too', async (t) => {
  const { server, sniffer } = await tlsServerAndSniffer(t);
  sniffer.start(HOOKS.map((h) => h.name), { targetPid: server.pid, filterPid: -1 });
  const filter = sniffer.program.readPerCpu(PID_FILTER_MAP, Buffer.alloc(4)).map((b) => b.readInt32LE(0));
  t.same(filter, new Array(possibleCpuCount()).fill(-1), `${PID_FILTER_MAP} holds -1 on all ${possibleCpuCount()} CPUs`);
  const pids = new Set<number>();
  sniffer.program.openPerfOutput('data_events', (raws) => raws.forEach((raw) => pids.add(raw.readUInt32LE(8))));
  await run('curl', ['-sk', `${server.url}/customResponse`, '-d', '{"size": 30}']);
  await waitUntil(() => pids.size >= 2, 5000);
  t.ok(pids.has(server.pid), 'the server\'s calls');
  t.ok([...pids].some((pid) => pid !== server.pid), `and curl's (pids ${[...pids].join(', ')})`);
});

t.test('a program without the pid filter, and a uprobe hook with no target', async (t) => {
  const env = await liveKernel();
  const text = PROGRAM.replace('BPF_PERCPU_ARRAY(pid, int, 1);', 'BPF_ARRAY(pid, int, 1);');
  const sniffer = await Sniffer.build({ text, fileName: 'tls.c' }, env.attachMode, { uprobes: HOOKS, load: ['probe_entry_ssl_write'] });
  t.teardown(() => sniffer.close());
  t.equal(sniffer.writeTargetPid(1234), false, 'a `pid` that is not a per-CPU array of one int is left alone');
  const error = t.throws(() => sniffer.start(['probe_entry_ssl_write'])) as WorkshopError;
  t.type(error, WorkshopError);
  t.equal(error.code, 'ATTACH_FAILED');
  t.match(error.message, /probe_entry_ssl_write could not be attached: .*needs a target process/);
});
