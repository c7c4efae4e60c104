// Must show (TLS track, engine): uprobes and uretprobes on the libssl a real HTTPS server maps
// (found in its /proc/PID/maps) capture a real request's plaintext through SSL_read and the
// answer's through SSL_write; a BPF_PERCPU_ARRAY(pid, int, 1) gets the server's pid on every
// CPU, and the program's filter keeps that server's calls only; nothing stays attached after
// close (bpftool); a symbol the library lacks is a clear error.
import t, { type Test } from 'tap';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import path from 'node:path';
import { BpfProgram } from '../../src/engine/bpfProgram.js';
import { possibleCpuCount } from '../../src/engine/cpus.js';
import { mappedLibrary } from '../../src/engine/processMaps.js';
import { nativeBinDir } from '../../src/native/addon.js';
import { perfAttachmentsOf } from '../helpers/bpftool.js';
import { liveKernel } from '../helpers/kernel.js';
import { waitUntil } from '../helpers/waitUntil.js';

const run = promisify(execFile);

// The tutorial's shape in miniature: the entry hooks keep the buffer pointer per thread, the
// return hooks copy what SSL_read filled / SSL_write sent, for the pid in `pid` only.
const PROGRAM = `
#include <uapi/linux/ptrace.h>

struct tls_event_t {
  u32 pid;
  u32 direction;
  s32 len;
  char msg[96];
};

BPF_PERCPU_ARRAY(pid, int, 1);
BPF_HASH(buffers, u64, const char *);
BPF_PERF_OUTPUT(tls_events);

static int wanted(void) {
  int zero = 0;
  int *target = pid.lookup(&zero);
  return target && (*target == -1 || *target == (int)(bpf_get_current_pid_tgid() >> 32));
}

int entry_io(struct pt_regs *ctx) {
  if (!wanted()) return 0;
  u64 id = bpf_get_current_pid_tgid();
  const char *buf = (const char *)PT_REGS_PARM2(ctx);
  buffers.update(&id, &buf);
  return 0;
}

static int submit(struct pt_regs *ctx, u32 direction) {
  u64 id = bpf_get_current_pid_tgid();
  const char **buf = buffers.lookup(&id);
  int len = PT_REGS_RC(ctx);
  if (buf && len > 0) {
    struct tls_event_t event = {};
    event.pid = id >> 32;
    event.direction = direction;
    event.len = len;
    bpf_probe_read_user(&event.msg, sizeof(event.msg), *buf);
    tls_events.perf_submit(ctx, &event, sizeof(event));
  }
  buffers.delete(&id);
  return 0;
}

int ret_write(struct pt_regs *ctx) { return submit(ctx, 0); }
int ret_read(struct pt_regs *ctx) { return submit(ctx, 1); }
`;

interface TlsEvent {
  pid: number;
  direction: 'egress' | 'ingress';
  text: string;
}

function decode(raw: Buffer): TlsEvent {
  const len = raw.readInt32LE(8);
  return {
    pid: raw.readUInt32LE(0),
    direction: raw.readUInt32LE(4) === 0 ? 'egress' : 'ingress',
    text: raw.toString('latin1', 12, 12 + Math.min(len, 96)),
  };
}

async function startHttpsDemoServer(t: Test): Promise<{ pid: number; port: number }> {
  const child = spawn(path.join(nativeBinDir, 'demo-server'), ['--tls', '--port', '0', '--exit-with-parent'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(/^listening \S+:(\d+)/.exec(chunk.toString())?.[1]);
  child.stdout!.resume();
  return { pid: child.pid!, port };
}

t.test('uprobes on the server\'s libssl capture a real HTTPS request and answer in plaintext', async (t) => {
  await liveKernel();
  const server = await startHttpsDemoServer(t);
  const libssl = mappedLibrary(server.pid, 'libssl');
  t.match(libssl, /\/libssl\.so\.\d/, `the server maps ${libssl}`);

  const program = await BpfProgram.compile(PROGRAM, {
    load: ['entry_io', 'ret_write', 'ret_read'].map((name) => ({ name, type: 'kprobe' as const })),
  });
  t.teardown(() => program.close());

  // The pid filter: every possible CPU's copy holds the server's pid.
  const key = Buffer.alloc(4);
  const value = Buffer.alloc(4);
  value.writeInt32LE(server.pid);
  program.writePerCpu('pid', key, value);
  const perCpu = program.readPerCpu('pid', key).map((b) => b.readInt32LE(0));
  t.equal(perCpu.length, possibleCpuCount(), 'one value per possible CPU');
  t.same(perCpu, perCpu.map(() => server.pid), 'the server\'s pid on every CPU');

  const events: TlsEvent[] = [];
  program.openPerfOutput('tls_events', (raws) => events.push(...raws.map(decode)));
  const entry = program.programFd('entry_io');
  const attached = [
    program.attachUprobe(entry, libssl, 'SSL_write', false),
    program.attachUprobe(program.programFd('ret_write'), libssl, 'SSL_write', true),
    program.attachUprobe(entry, libssl, 'SSL_read', false),
    program.attachUprobe(program.programFd('ret_read'), libssl, 'SSL_read', true),
  ];
  t.same(attached.map((a) => a.target.replace(libssl, 'LIB')), [
    'uprobe:LIB:SSL_write', 'uretprobe:LIB:SSL_write', 'uprobe:LIB:SSL_read', 'uretprobe:LIB:SSL_read',
  ]);
  t.equal(perfAttachmentsOf(process.pid).filter((a) => a.fd_type.startsWith('uprobe') || a.fd_type.startsWith('uretprobe')).length, 4,
    'bpftool sees our four probes');

  // curl also calls SSL_write and SSL_read in libssl: the pid filter leaves its calls out.
  const { stdout } = await run('curl', ['-sk', `https://127.0.0.1:${server.port}/customResponse`, '-d', '{"size": 30}']);
  t.match(stdout, /^\{"answer": "[A-Za-z0-9]{30}"\}$/, 'curl got its answer over TLS');
  await waitUntil(() => events.some((e) => e.direction === 'egress'), 5000);

  t.ok(events.length >= 2, `${events.length} events`);
  t.ok(events.every((e) => e.pid === server.pid), 'only the server\'s calls (the filter dropped curl\'s)');
  const ingress = events.find((e) => e.direction === 'ingress');
  const egress = events.find((e) => e.direction === 'egress');
  t.match(ingress?.text, /^POST \/customResponse HTTP\/1\.1\r\n/, 'SSL_read: the request in plaintext');
  t.match(egress?.text, /^HTTP\/1\.1 200 OK\r\n/, 'SSL_write: the answer in plaintext');

  program.close();
  t.same(perfAttachmentsOf(process.pid), [], 'nothing of ours attached after close (bpftool perf)');
});

t.test('a symbol libssl does not have is a clear attach error', async (t) => {
  await liveKernel();
  const server = await startHttpsDemoServer(t);
  const program = await BpfProgram.compile(PROGRAM, { load: [{ name: 'entry_io', type: 'kprobe' }] });
  t.teardown(() => program.close());
  const libssl = mappedLibrary(server.pid, 'libssl');
  const error = t.throws(() => program.attachUprobe(program.programFd('entry_io'), libssl, 'SSL_wirte', false)) as Error;
  t.match(error?.message, /cannot attach to uprobe:.*libssl\.so\.\d:SSL_wirte: libssl\.so\.\d has no symbol SSL_wirte/);
});
