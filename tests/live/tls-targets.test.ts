// Must show (TLS track, targets): the native demo server's HTTPS listener and Python's
// http.server in ssl both answer the tutorial's request from the workshop's client and from
// `curl -k`; neither runs as root; Python's reads through SSL_read_ex/SSL_write_ex (its plaintext
// captured by _ex uprobes, the count through PARM4); each reports the encrypted bytes its
// sockets carried; no key material is written anywhere on disk; stop() leaves no process.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BpfProgram } from '../../src/engine/bpfProgram.js';
import { mappedLibrary } from '../../src/engine/processMaps.js';
import type { ListeningProcess } from '../../src/targets/listeningProcess.js';
import { startHttpsDemoServer, startPythonHttpsServer } from '../../src/targets/tlsServers.js';
import { unprivilegedUser } from '../../src/util/invokingUser.js';
import { sendTutorialRequest } from '../../src/targets/traffic.js';
import { liveKernel } from '../helpers/kernel.js';
import { uidsOf } from '../helpers/processes.js';
import { waitUntil } from '../helpers/waitUntil.js';

const run = promisify(execFile);

/** Every path a process holds open that is a file on disk (not a pipe, socket, memfd, device). */
function openFilesOnDisk(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`)
    .map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith('/') && !target.startsWith('/dev/') && !target.startsWith('/memfd:'));
}

/**
 * Files under `dirs` changed since `since` (ms), owned by `uid` (the server's user: other tests
 * on this machine run as root), that hold a PEM private key.
 */
function keysWrittenSince(since: number, uid: number, dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory() && depth < 3) walk(file, depth + 1);
      else if (stat.isFile() && stat.uid === uid && stat.mtimeMs >= since && stat.size < 1 << 20 && readFileSync(file, 'latin1').includes('PRIVATE KEY')) found.push(file);
    }
  };
  for (const dir of dirs) walk(dir, 0);
  return found;
}

async function exercise(t: Test, server: ListeningProcess, name: string) {
  t.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/, `${name}: an https:// URL on loopback`);
  const reply = await sendTutorialRequest({ host: server.host, port: server.port, size: 30, tls: true });
  t.equal(reply.status, 200, `${name}: the workshop's client gets a 200 over TLS`);
  t.match(reply.body, /^\{"answer": "[A-Za-z0-9]{30}"\}$/);
  const { stdout } = await run('curl', ['-sk', `${server.url}/customResponse`, '-d', '{"size": 30}']);
  t.match(stdout, /^\{"answer": "[A-Za-z0-9]{30}"\}$/, `${name}: curl -k gets its answer`);
  const plain = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${server.host}:${server.port}/customResponse`, '-d', '{}']).catch((e) => e);
  t.not(plain.stdout, '200', `${name}: plain HTTP gets no answer: the socket speaks TLS only`);
  await waitUntil(() => server.encrypted.connections >= 2, 3000);
  t.ok(server.encrypted.connections >= 2, `${name}: reported ${server.encrypted.connections} closed connections`);
  // Each exchange carries more on the wire than its plaintext: handshakes, certificates, records.
  t.ok(server.encrypted.received > 2 * 150, `${name}: ${server.encrypted.received} encrypted bytes in`);
  t.ok(server.encrypted.sent > 2 * 180, `${name}: ${server.encrypted.sent} encrypted bytes out`);
  t.equal(uidsOf(server.pid)[0], process.getuid?.() === 0 ? unprivilegedUser().uid : process.getuid?.(), `${name}: runs as ${unprivilegedUser().uid}, not root`);
  t.same(openFilesOnDisk(server.pid), [], `${name}: holds no file on disk open`);
}

t.test('the HTTPS demo server answers over TLS, as nobody-or-the-user, with no key on disk', async (t) => {
  const since = Date.now() - 1000;
  const server = await startHttpsDemoServer({ port: 0 });
  t.teardown(() => server.stop());
  const serverUid = uidsOf(server.pid)[0];
  await exercise(t, server, 'demo server');
  await server.stop();
  t.notOk(server.running, 'stopped');
  t.same(keysWrittenSince(since, serverUid, [os.tmpdir(), '/var/tmp', '/dev/shm', process.cwd()]), [], 'no private key written anywhere');
});

t.test("Python's HTTPS server answers over TLS through SSL_read_ex/SSL_write_ex", async (t) => {
  await liveKernel();
  const since = Date.now() - 1000;
  const server = await startPythonHttpsServer({ port: 0 });
  t.teardown(() => server.stop());
  const serverUid = uidsOf(server.pid)[0];
  const libssl = mappedLibrary(server.pid, 'libssl');

  // The _ex forms return 1 and report the count through their fourth argument, a size_t *.
  const program = await BpfProgram.compile(`
#include <uapi/linux/ptrace.h>
struct ex_event_t { u32 direction; u32 len; char msg[64]; };
struct ex_args_t { const char *buf; size_t *count; };
BPF_HASH(ex_args, u64, struct ex_args_t);
BPF_PERF_OUTPUT(ex_events);
int entry_ex(struct pt_regs *ctx) {
  u64 id = bpf_get_current_pid_tgid();
  if ((id >> 32) != TARGET_PID) return 0;
  struct ex_args_t args = { (const char *)PT_REGS_PARM2(ctx), (size_t *)PT_REGS_PARM4(ctx) };
  ex_args.update(&id, &args);
  return 0;
}
static int submit(struct pt_regs *ctx, u32 direction) {
  u64 id = bpf_get_current_pid_tgid();
  struct ex_args_t *args = ex_args.lookup(&id);
  if (args && PT_REGS_RC(ctx) == 1) {
    struct ex_event_t event = { .direction = direction };
    size_t count = 0;
    bpf_probe_read_user(&count, sizeof(count), args->count);
    event.len = count;
    bpf_probe_read_user(&event.msg, sizeof(event.msg), args->buf);
    ex_events.perf_submit(ctx, &event, sizeof(event));
  }
  ex_args.delete(&id);
  return 0;
}
int ret_write_ex(struct pt_regs *ctx) { return submit(ctx, 0); }
int ret_read_ex(struct pt_regs *ctx) { return submit(ctx, 1); }
`, {
    cflags: [`-DTARGET_PID=${server.pid}`],
    load: ['entry_ex', 'ret_write_ex', 'ret_read_ex'].map((name) => ({ name, type: 'kprobe' as const })),
  });
  t.teardown(() => program.close());
  const events: { direction: string; len: number; text: string }[] = [];
  program.openPerfOutput('ex_events', (raws) => {
    for (const raw of raws) {
      const len = raw.readUInt32LE(4);
      events.push({ direction: raw.readUInt32LE(0) === 0 ? 'egress' : 'ingress', len, text: raw.toString('latin1', 8, 8 + Math.min(len, 64)) });
    }
  });
  for (const symbol of ['SSL_write_ex', 'SSL_read_ex']) program.attachUprobe(program.programFd('entry_ex'), libssl, symbol, false);
  program.attachUprobe(program.programFd('ret_write_ex'), libssl, 'SSL_write_ex', true);
  program.attachUprobe(program.programFd('ret_read_ex'), libssl, 'SSL_read_ex', true);

  await exercise(t, server, 'python');
  await waitUntil(() => events.some((e) => e.direction === 'egress'), 3000);
  const request = events.find((e) => e.direction === 'ingress' && e.text.startsWith('POST'));
  const response = events.find((e) => e.direction === 'egress' && e.text.startsWith('HTTP/1.1 200 OK'));
  t.match(request?.text, /^POST \/customResponse HTTP\/1\.1\r\n/, 'SSL_read_ex: the request in plaintext');
  t.ok(response, 'SSL_write_ex: the answer in plaintext');
  t.ok(events.every((e) => e.len > 0 && e.len <= 65536), 'every count read through PARM4 is a byte count, not the return value 1');

  await server.stop();
  t.notOk(server.running, 'stopped');
  t.same(keysWrittenSince(since, serverUid, [os.tmpdir(), '/var/tmp', '/dev/shm', process.cwd()]), [], 'no private key written anywhere');
});
