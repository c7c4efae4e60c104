// Must show (tracepoint adapter): a tutorial-shaped program with kprobe-style hooks, adapted,
// compiles, loads as TRACEPOINT programs, attaches to syscalls:sys_enter/exit_*, and captures
// a real read of an HTTP request and a real accept4; a mistake in a hook's body or parameter
// list is reported by clang at the learner's file and line; nothing stays loaded after close().
import t from 'tap';
import { mkdtempSync, openSync, closeSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { adaptToTracepoints } from '../../src/hooks/tracepointAdapter.js';
import { readSyscallFormat } from '../../src/hooks/tracepointFormat.js';
import { onlineCpus } from '../../src/engine/cpus.js';
import { addon } from '../../src/native/addon.js';
import { BpfProgram } from '../../src/engine/bpfProgram.js';
import { isWorkshopError } from '../../src/errors/workshopError.js';
import { loadedPrograms } from '../helpers/bpftool.js';
import { liveKernel } from '../helpers/kernel.js';
import { waitUntil } from '../helpers/waitUntil.js';

const K_INGRESS = 1;
const FILE_NAME = 'http-capture.c';
const learnerSource = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'adapter', FILE_NAME), 'utf8');
const REQUEST = 'POST /customResponse HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 12\r\n\r\n{"size": 50}';

async function adaptAndCompile(source: string) {
  const env = await liveKernel();
  const adapted = adaptToTracepoints(source, (syscall, phase) => readSyscallFormat(syscall, phase, env.tracefsPath), {
    fileName: FILE_NAME,
  });
  const load = adapted.hooks.map((h) => ({ name: h.programName, type: 'tracepoint' as const }));
  try {
    return { adapted, program: await BpfProgram.compile(adapted.source, { load }), stderr: '' };
  } catch (e) {
    if (!isWorkshopError(e, 'COMPILE_FAILED', 'COMPILER_CRASHED')) throw e;
    return { adapted, program: null, stderr: e.raw ?? '' };
  }
}

/** The kernel's id of the program behind one of our fds, as bpftool lists it. */
function programId(fd: number): number {
  const match = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  if (!match) throw new Error(`fd ${fd} is not a BPF program`);
  return Number(match[1]);
}

/** The kernel ids of the programs the capture test loaded, for the check that they are gone. */
const loadedIds: number[] = [];

t.test('adapted hooks load as tracepoints and capture a real read and accept4', async (t) => {
  const { adapted, program: module, stderr } = await adaptAndCompile(learnerSource);
  if (!module) throw new Error(`the adapted program did not compile:\n${stderr}`);
  t.same(module.warnings.filter((d) => d.severity === 'error'), [], 'no compile errors');
  let closed = false;
  t.teardown(() => {
    if (!closed) module.close();
  });

  t.same(
    adapted.hooks.map((h) => h.event),
    ['sys_enter_accept4', 'sys_exit_accept4', 'sys_enter_read', 'sys_exit_read'],
  );
  const ids: number[] = [];
  for (const hook of adapted.hooks) {
    const fd = module.programFd(hook.programName); // throws the verifier's LoadError if refused
    ids.push(programId(fd));
    const link = module.attachTracepoint(fd, hook.category, hook.event); // throws if refused
    t.ok(link.fd >= 0, `attached to syscalls:${hook.event}`);
  }
  const listed = new Set(loadedPrograms().map((p) => p.id));
  t.ok(ids.every((id) => listed.has(id)), 'bpftool lists the programs while they are loaded');

  const reads: Buffer[] = [];
  const accepts: Buffer[] = [];
  const ringOf = (events: Buffer[]) => (bytes: Buffer, offsets: Uint32Array) => {
    for (let i = 0; i + 1 < offsets.length; i++) events.push(Buffer.from(bytes.subarray(offsets[i], offsets[i + 1])));
  };
  const options = { pageCount: 8, wakeupEvents: 1, flushMs: 20 };
  const dataRing = new (addon().PerfBuffer)(module.table('socket_data_events')!.fd, onlineCpus(), options, ringOf(reads));
  const openRing = new (addon().PerfBuffer)(module.table('socket_open_events')!.fd, onlineCpus(), options, ringOf(accepts));

  // A read(2) of an HTTP request by this very process: fs.readSync at no position is read(2).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-adapter-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const requestFile = path.join(dir, 'request.http');
  writeFileSync(requestFile, REQUEST);
  const fd = openSync(requestFile, 'r');
  const buffer = Buffer.alloc(4096);
  const count = readSync(fd, buffer, 0, buffer.length, null);
  closeSync(fd);
  t.equal(count, REQUEST.length);

  // An accept4(2) by this process: node's server accepts on the main thread.
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const client = net.connect(port, '127.0.0.1');
    client.on('close', () => resolve()).on('error', reject).resume();
  });
  server.close();

  const ours = (event: Buffer) => event.readUInt32LE(8) === process.pid;
  const ourRead = () => reads.find((e) => ours(e) && e.readInt32LE(12) === fd);
  await waitUntil(() => ourRead() !== undefined && accepts.some(ours), 5000);
  dataRing.stop();
  openRing.stop();

  // struct socket_data_event_t: timestamp_ns 0, conn_id {pid 8, fd 12}, direction 16, msg_size 20, msg 24.
  const event = ourRead();
  t.ok(event, 'the read reached user space as a socket_data_event');
  if (event) {
    t.equal(event.length >= 424, true, 'a whole socket_data_event_t');
    t.equal(event.readUInt32LE(16), K_INGRESS, 'direction: ingress');
    t.equal(event.readUInt32LE(20), REQUEST.length, 'msg_size: the bytes read (PT_REGS_RC read the exit record)');
    t.equal(event.toString('latin1', 24, 24 + REQUEST.length), REQUEST, 'msg: the request, byte for byte');
    t.not(event.readBigUInt64LE(0), 0n, 'a timestamp');
  }
  // struct socket_open_event_t: timestamp_ns 0, conn_id {pid 8, fd 12}, addr 16.
  const accept = accepts.find(ours);
  t.ok(accept, 'the accept4 reached user space as a socket_open_event');
  if (accept) t.ok(accept.readInt32LE(12) > 2, 'conn_id.fd: the accepted socket (PT_REGS_RC on accept4)');

  module.close();
  closed = true;
  loadedIds.push(...ids);
});

t.test('after close(), bpftool prog show lists none of the programs', async (t) => {
  t.equal(loadedIds.length, 4, 'the first test loaded four programs');
  const listed = new Set(loadedPrograms().map((p) => p.id));
  t.same(loadedIds.filter((id) => listed.has(id)), [], 'none of their ids is still loaded');
});

t.test("a mistake in a hook is reported at the learner's file and line", async (t) => {
  const lines = learnerSource.split('\n');
  const bodyLine = lines.findIndex((l) => l === '  read_args.buf = buf;') + 1;
  const parameterLine = lines.findIndex((l) => l.trim() === 'size_t *addrlen,') + 1;
  t.ok(bodyLine > 0 && parameterLine > 0, 'the fixture has the lines to break');
  lines[bodyLine - 1] = '  read_args.buf = buf; not_declared = 1;';
  lines[parameterLine - 1] = lines[parameterLine - 1]!.replace('size_t *addrlen', 'no_such_t *addrlen');

  const compiled = await adaptAndCompile(lines.join('\n'));
  compiled.program?.close();
  t.equal(compiled.program, null, 'the compile failed');
  t.match(
    compiled.stderr,
    `${FILE_NAME}:${bodyLine}:24: error: use of undeclared identifier 'not_declared'`,
    'the body error at its line and column',
  );
  t.match(compiled.stderr, `\n  read_args.buf = buf; not_declared = 1;\n`, "clang quotes the learner's line");
  t.match(
    compiled.stderr,
    new RegExp(`${FILE_NAME.replace('.', '\\.')}:${parameterLine}:\\d+: error: unknown type name 'no_such_t'`),
    "the parameter's error at the parameter's line",
  );
  t.notMatch(compiled.stderr, /\/virtual\/main\.c/, 'no line is reported against the generated file');
});
