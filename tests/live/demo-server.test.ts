// Must show (demo server): the real native server on loopback answers the tutorial's request,
// rejects bad ones with clear JSON errors, keeps connections alive, copes with 50 at once,
// stops without leaving a process, makes only the syscalls the tutorial hooks, and never
// keeps root when it was started through sudo.
import t, { type Test } from 'tap';
import net from 'node:net';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { NativeServer } from '../../src/targets/nativeServer.js';
import { sendRequests, sendTutorialRequest } from '../../src/targets/traffic.js';
import { parseResponses, post, rawExchange } from '../helpers/rawHttp.js';
import { waitUntil } from '../helpers/waitUntil.js';
import { asIfSudo, exitsWithin, isRunning, threadsOf, uidsOf } from '../helpers/processes.js';

const isRoot = process.getuid?.() === 0;
const hasStrace = spawnSync('strace', ['-V']).status === 0;

t.test('the demo server binary is built', async (t) => {
  t.ok(existsSync(NativeServer.binary()), `${NativeServer.binary()} exists (npx cmake-js compile builds it)`);
});

t.test('a running server', async (t) => {
  const server = await NativeServer.start({ port: 0 });
  t.teardown(() => server.stop());

  t.test('reports where it listens', async (t) => {
    t.equal(server.host, '127.0.0.1', 'loopback by default');
    t.ok(server.port > 0 && server.port < 65536);
    t.equal(server.url, `http://127.0.0.1:${server.port}`);
    t.ok(isRunning(server.pid));
  });

  t.test('answers the tutorial request with N random alphanumerics', async (t) => {
    for (const size of [50, 20, 0, 1, 4096]) {
      const reply = await sendTutorialRequest({ host: server.host, port: server.port, size });
      t.equal(reply.status, 200, `size ${size}: 200`);
      const answer = (JSON.parse(reply.body) as { answer: string }).answer;
      t.equal(answer.length, size, `size ${size}: answer has ${size} characters`);
      t.match(answer, /^[A-Za-z0-9]*$/, `size ${size}: alphanumeric`);
      t.ok(reply.localPort > 0, 'the client port is known');
    }
    const a = await sendTutorialRequest({ host: server.host, port: server.port });
    const b = await sendTutorialRequest({ host: server.host, port: server.port });
    t.equal((JSON.parse(a.body) as { answer: string }).answer.length, 50, 'default size is 50');
    t.not(a.body, b.body, 'answers are random');
  });

  t.test('answers the largest size allowed, 10 MiB', async (t) => {
    const reply = await sendTutorialRequest({ host: server.host, port: server.port, size: 10485760, timeoutMs: 20_000 });
    t.equal(reply.status, 200);
    t.equal((JSON.parse(reply.body) as { answer: string }).answer.length, 10485760);
  });

  t.test('sends JSON with Content-Type and Content-Length', async (t) => {
    const { responses } = await rawExchange(server.port, [post('{"size": 7}')], 1);
    t.equal(responses[0].status, 200);
    t.equal(responses[0].headers['content-type'], 'application/json');
    t.equal(Number(responses[0].headers['content-length']), responses[0].body.length);
    t.match(responses[0].body, /^\{"answer": "[A-Za-z0-9]{7}"\}$/);
  });

  t.test('rejects bad requests with 400 and a clear message', async (t) => {
    const cases: Array<[string, RegExp]> = [
      ['{"size": 50', /not valid JSON/],
      ['size=50', /not valid JSON/],
      ['', /body is empty/],
      ['{}', /no "size"/],
      ['{"length": 5}', /no "size"/],
      ['[50]', /must be a JSON object/],
      ['{"size": 10485761}', /at most 10485760/],
      ['{"size": 99999999999999999999999}', /at most 10485760/],
      ['{"size": -1}', /must not be negative/],
      ['{"size": 2.5}', /whole number/],
      ['{"size": "50"}', /must be a number/],
      ['{"size": null}', /must be a number/],
    ];
    for (const [body, message] of cases) {
      const { responses } = await rawExchange(server.port, [post(body)], 1);
      t.equal(responses[0]?.status, 400, `${JSON.stringify(body)}: 400`);
      const error = (JSON.parse(responses[0].body) as { error: string }).error;
      t.match(error, message, `${JSON.stringify(body)}: ${error}`);
    }
  });

  t.test('accepts valid JSON around the size', async (t) => {
    const { responses } = await rawExchange(server.port, [post(' {"name": "x", "nested": {"size": 3}, "size": 5, "list": [1, true, null, "\\u0041"]} ')], 1);
    t.equal(responses[0].status, 200);
    t.equal((JSON.parse(responses[0].body) as { answer: string }).answer.length, 5, 'the top-level size counts');
  });

  t.test('404 on other paths and 405 on other methods, as JSON', async (t) => {
    const notFound = await rawExchange(server.port, ['GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n'], 1);
    t.equal(notFound.responses[0].status, 404);
    t.match((JSON.parse(notFound.responses[0].body) as { error: string }).error, /no such path \/nothing/);
    const wrongMethod = await rawExchange(server.port, ['GET /customResponse HTTP/1.1\r\nHost: x\r\n\r\n'], 1);
    t.equal(wrongMethod.responses[0].status, 405);
    t.equal(wrongMethod.responses[0].headers.allow, 'POST');
    t.match((JSON.parse(wrongMethod.responses[0].body) as { error: string }).error, /use POST/);
  });

  t.test('keeps an HTTP/1.1 connection alive for a second request', async (t) => {
    const { responses, serverClosed } = await rawExchange(server.port, [post('{"size": 3}'), post('{"size": 4}')], 2);
    t.same(responses.map((r) => r.status), [200, 200]);
    t.same(responses.map((r) => (JSON.parse(r.body) as { answer: string }).answer.length), [3, 4]);
    t.equal(responses[0].headers.connection, 'keep-alive');
    t.notOk(serverClosed, 'the connection stays open');
  });

  t.test('answers pipelined requests that arrive in one read, in order', async (t) => {
    const { responses } = await rawExchange(server.port, [post('{"size": 1}') + post('{"size": 2}') + post('{"size": 3}')], 3);
    t.same(responses.map((r) => (JSON.parse(r.body) as { answer: string }).answer.length), [1, 2, 3]);
  });

  t.test('waits for a body that arrives in a later read', async (t) => {
    const body = '{"size": 9}';
    const head = `POST /customResponse HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { responses } = await rawExchange(server.port, [head, body.slice(0, 4), body.slice(4)], 1);
    t.equal(responses[0].status, 200);
    t.equal((JSON.parse(responses[0].body) as { answer: string }).answer.length, 9);
  });

  t.test('closes when asked: Connection: close, and HTTP/1.0', async (t) => {
    const closing = await rawExchange(server.port, [post('{"size": 2}', 'Connection: close\r\n')], 1);
    t.equal(closing.responses[0].status, 200);
    t.equal(closing.responses[0].headers.connection, 'close');
    t.ok(closing.serverClosed, 'the server closed after Connection: close');

    const old = await rawExchange(server.port, ['POST /customResponse HTTP/1.0\r\nContent-Length: 11\r\n\r\n{"size": 2}'], 1);
    t.equal(old.responses[0].status, 200);
    t.ok(old.serverClosed, 'HTTP/1.0 closes by default');

    const oldKeepAlive = await rawExchange(
      server.port,
      ['POST /customResponse HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 11\r\n\r\n{"size": 2}'],
      1,
    );
    t.equal(oldKeepAlive.responses[0].headers.connection, 'keep-alive');
    t.notOk(oldKeepAlive.serverClosed, 'HTTP/1.0 with keep-alive stays open');
  });

  t.test('sends 100 Continue to a client that waits for it, then answers', async (t) => {
    const body = '{"size": 6}';
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    t.teardown(() => socket.destroy());
    socket.setEncoding('latin1');
    socket.write(`POST /customResponse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
    const [interim] = (await once(socket, 'data')) as [string];
    t.equal(interim, 'HTTP/1.1 100 Continue\r\n\r\n');
    socket.write(body);
    let received = '';
    while (parseResponses(received).responses.length === 0) received += ((await once(socket, 'data')) as [string])[0];
    const [response] = parseResponses(received).responses;
    t.equal(response.status, 200);
    t.equal((JSON.parse(response.body) as { answer: string }).answer.length, 6);
  });

  t.test('refuses oversized headers and closes', async (t) => {
    const huge = `POST /customResponse HTTP/1.1\r\nX-Filler: ${'a'.repeat(70 * 1024)}\r\n\r\n`;
    const { responses, serverClosed } = await rawExchange(server.port, [huge], 1);
    t.equal(responses[0]?.status, 431);
    t.ok(serverClosed);
  });

  t.test('refuses a malformed request line and closes', async (t) => {
    const { responses, serverClosed } = await rawExchange(server.port, ['HELLO\r\n\r\n'], 1);
    t.equal(responses[0]?.status, 400);
    t.ok(serverClosed);
  });

  t.test('answers 50 concurrent requests, all 200', async (t) => {
    const sent = await sendRequests({ host: server.host, port: server.port, size: 30, count: 200, concurrency: 50 });
    t.same(sent, { count: 200, failed: 0, bodyBytes: 200 * '{"answer": ""}'.length + 200 * 30 }, 'every reply is a 200 with 30 characters');
  });

  t.test('still holds 50 open keep-alive connections at once', async (t) => {
    const exchanges = await Promise.all(
      Array.from({ length: 50 }, () => rawExchange(server.port, [post('{"size": 5}'), post('{"size": 6}')], 2, { pauseMs: 50 })),
    );
    t.ok(exchanges.every((e) => e.responses.length === 2 && e.responses.every((r) => r.status === 200)));
  });
});

t.test('the next port is taken when the one asked for is busy', async (t) => {
  const first = await NativeServer.start({ port: 0 });
  t.teardown(() => first.stop());
  const second = await NativeServer.start({ port: first.port });
  t.teardown(() => second.stop());
  t.ok(second.port > first.port && second.port < first.port + 20, `asked for ${first.port}, got ${second.port}`);
  const reply = await sendTutorialRequest({ host: second.host, port: second.port, size: 3 });
  t.equal(reply.status, 200);
});

/** Starts the binary itself with extra flags; resolves with its port once it listens. */
async function startBinary(t: Test, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(NativeServer.binary(), ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(/:(\d+)/.exec(line.toString())![1]) };
}

t.test('each request must arrive whole within the request timeout', async (t) => {
  const { port } = await startBinary(t, ['--request-timeout', '1']);

  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const opened = Date.now();
  socket.resume();
  await once(socket, 'end');
  const waited = Date.now() - opened;
  socket.destroy();
  t.ok(waited >= 800 && waited < 3000, `an idle connection is closed after ${waited} ms of silence`);

  // A byte every 300 ms is not a way to hold the connection: the whole request has 1 s.
  const request = post('{"size": 1}');
  const drip = Array.from(request, (c) => c);
  const started = Date.now();
  const { responses, serverClosed } = await rawExchange(port, drip, 1, { pauseMs: 300, timeoutMs: 6000 });
  t.equal(responses[0]?.status, 408, 'a request trickling in is cut off with 408 Request Timeout');
  t.ok(serverClosed, 'and the connection closed');
  t.ok(Date.now() - started < 3000, `within ${Date.now() - started} ms, not ${drip.length * 300} ms`);

  // A connection that keeps talking is not cut off.
  const talking = await rawExchange(port, [post('{"size": 1}'), post('{"size": 2}'), post('{"size": 3}')], 3, { pauseMs: 600 });
  t.equal(talking.responses.length, 3, 'three requests 600 ms apart on one connection all answered');
});

t.test('beyond --max-connections a client gets 503, and is served again once others leave', async (t) => {
  const { child, port } = await startBinary(t, ['--max-connections', '2']);
  const idle = threadsOf(child.pid!); // a thread per connection: see the TLS test below
  const held = await Promise.all([0, 1].map(async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return socket;
  }));
  t.ok(await waitUntil(() => threadsOf(child.pid!) === idle + 2, 5000), 'both accepted and counted');
  const refused = await rawExchange(port, [post('{"size": 2}')], 1);
  t.equal(refused.responses[0]?.status, 503, 'the third connection gets 503');
  t.match((JSON.parse(refused.responses[0].body) as { error: string }).error, /at most 2 connections/);
  t.equal(refused.responses[0].headers['retry-after'], '1');
  t.ok(refused.serverClosed);
  for (const socket of held) socket.destroy();
  t.ok(await waitUntil(() => threadsOf(child.pid!) === idle, 5000), 'their threads end with them');
  const served = await rawExchange(port, [post('{"size": 2}')], 1);
  t.equal(served.responses[0]?.status, 200, 'a slot freed is served');
});

t.test('the HTTPS listener at its cap refuses over TLS: a 503 the client can read, not plaintext on its TLS socket', async (t) => {
  const { child, port } = await startBinary(t, ['--tls', '--max-connections', '2']);
  // Each connection and each refusal over TLS is a thread of the server's: counting them says
  // when the server has taken in what was sent, where a fixed pause would race a loaded machine.
  const threads = () => threadsOf(child.pid!);
  const idle = threads();
  const connectPlain = async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return socket;
  };
  const held = await Promise.all([0, 1].map(connectPlain)); // accepted and counted; their handshakes wait
  t.teardown(() => held.forEach((s) => s.destroy()));
  t.ok(await waitUntil(() => threads() === idle + 4, 5000), 'both held: a TLS thread and an HTTP thread each');
  const refused = await rawExchange(port, [post('{"size": 2}')], 1, { tls: true });
  t.equal(refused.responses[0]?.status, 503, 'the third connection completes its handshake and reads 503 over TLS');
  t.match((JSON.parse(refused.responses[0]!.body) as { error: string }).error, /at most 2 connections/);
  t.equal(refused.responses[0]!.headers['retry-after'], '1');
  t.ok(refused.serverClosed, 'then the server closes');
  t.ok(await waitUntil(() => threads() === idle + 4, 5000), 'and its refusal thread ends');

  // Refusals have a cap of their own (16 handshakes at once): beyond it the connection is
  // closed before the handshake — an error the client names, never plaintext read as TLS.
  const stalled = await Promise.all(Array.from({ length: 16 }, connectPlain)); // refused, and never say hello
  t.teardown(() => stalled.forEach((s) => s.destroy()));
  t.ok(await waitUntil(() => threads() === idle + 4 + 16, 5000), 'the 16 stalled refusals each hold a thread');
  const closed = await rawExchange(port, [post('{"size": 2}')], 1, { tls: true }).then(
    () => null,
    (error: Error) => error,
  );
  t.match(closed?.message, /socket disconnected|ECONNRESET/, `closed before the handshake: ${closed?.message}`);
  t.notMatch(closed?.message ?? '', /wrong version|packet length|record/i, 'no plaintext taken for a TLS record');

  for (const socket of [...held, ...stalled]) socket.destroy();
  t.ok(await waitUntil(() => threads() === idle, 5000), 'every thread ends with its connection');
  const served = await rawExchange(port, [post('{"size": 2}')], 1, { tls: true });
  t.equal(served.responses[0]?.status, 200, 'a slot freed is served, over TLS');
});

t.test('stop() ends the process with exit code 0 and leaves nothing behind', async (t) => {
  const server = await NativeServer.start({ port: 0 });
  const { pid, port } = server;
  await server.stop();
  t.notOk(isRunning(pid), `process ${pid} is gone`);
  t.same(await server.exited, { code: 0, signal: null }, 'SIGTERM is a clean exit');
  await server.stop(); // a second stop is harmless
  await t.rejects(sendTutorialRequest({ host: '127.0.0.1', port, timeoutMs: 2000 }), { message: /nothing is listening/ });
});

t.test('a server that cannot start is reported with its stderr', async (t) => {
  await t.rejects(NativeServer.start({ host: '256.0.0.1', port: 0 }), {
    message: /the demo server exited with code 1 before listening: demo-server: cannot resolve --host '256\.0\.0\.1'/,
  });
});

t.test('the server dies with the process that started it', async (t) => {
  // A child Node process starts a server and then is killed outright: no exit handler runs.
  const script = `
    import { NativeServer } from ${JSON.stringify(path.resolve('src/targets/nativeServer.ts'))};
    const server = await NativeServer.start({ port: 0 });
    process.stdout.write(server.pid + '\\n');
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  const pid = Number(chunk.toString().trim());
  t.ok(isRunning(pid), 'the server runs');
  parent.kill('SIGKILL');
  await once(parent, 'exit');
  t.ok(await exitsWithin(pid, 3000), 'the server went with its parent');
});

t.test('the server dies when its starter exits without stopping it', async (t) => {
  const script = `
    import { NativeServer } from ${JSON.stringify(path.resolve('src/targets/nativeServer.ts'))};
    const server = await NativeServer.start({ port: 0 });
    process.stdout.write(server.pid + '\\n');
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const pid = Number(out.trim());
  t.ok(await exitsWithin(pid, 3000), 'the exit handler stopped it');
});

t.test('under sudo the server runs as the invoking user', { skip: !isRoot && 'needs root' }, async (t) => {
  asIfSudo(t, { uid: '65534', gid: '65534' });

  const server = await NativeServer.start({ port: 0 });
  t.teardown(() => server.stop());
  t.same(uidsOf(server.pid), [65534, 65534, 65534, 65534], 'real, effective, saved and filesystem uid');
  t.match(readFileSync(`/proc/${server.pid}/status`, 'utf8'), /^Groups:\s*65534\s*$/m, 'no root groups left');
  const reply = await sendTutorialRequest({ host: server.host, port: server.port, size: 4 });
  t.equal(reply.status, 200, 'it still answers');

  const explicit = await NativeServer.start({ port: 0, runAs: { uid: 1, gid: 1 } });
  t.teardown(() => explicit.stop());
  t.equal(uidsOf(explicit.pid)[0], 1, 'runAs picks the user');
});

t.test('started directly as root under sudo, the binary drops to SUDO_UID itself', { skip: !isRoot && 'needs root' }, async (t) => {
  const { child } = await startBinary(t, [], { ...process.env, SUDO_UID: '1', SUDO_GID: '1' });
  t.equal(uidsOf(child.pid!)[0], 1);
});

t.test('root without sudo (a root login, su -, a container): the server is nobody, never root', { skip: !isRoot && 'needs root' }, async (t) => {
  const saved = { uid: process.env.SUDO_UID, gid: process.env.SUDO_GID };
  delete process.env.SUDO_UID;
  delete process.env.SUDO_GID;
  t.teardown(() => {
    if (saved.uid !== undefined) process.env.SUDO_UID = saved.uid;
    if (saved.gid !== undefined) process.env.SUDO_GID = saved.gid;
  });
  const nobody = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();

  const server = await NativeServer.start({ port: 0 });
  t.teardown(() => server.stop());
  const uids = uidsOf(server.pid);
  t.notOk(uids.includes(0), `NativeServer.start: uids ${uids.join(' ')}, none of them root`);
  t.equal(String(uids[0]), nobody, 'it is nobody');
  t.equal((await sendTutorialRequest({ host: server.host, port: server.port, size: 2 })).status, 200, 'and it answers');

  const { child } = await startBinary(t, [], { PATH: process.env.PATH });
  t.notOk(uidsOf(child.pid!).includes(0), 'the binary started bare drops root too');

  const refused = spawnSync(NativeServer.binary(), ['--port', '0', '--user', '0:0'], { encoding: 'utf8' });
  t.equal(refused.status, 2, '--user 0:0 is refused');
  t.match(refused.stderr, /would keep root/);
});

t.test('the syscall profile is what the tutorial hooks', { skip: !hasStrace && 'strace is not installed' }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-strace-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'trace'); // -ff: one file per thread, trace.<tid>, so no call is split in two
  const syscalls = 'accept,accept4,read,readv,recvfrom,recvmsg,write,writev,sendto,sendmsg,sendfile,close';
  const strace = spawn('strace', ['-ff', '-qq', '-s', '256', '-e', `trace=${syscalls}`, '-o', log, NativeServer.binary(), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    strace.kill('SIGKILL');
  });
  const [line] = (await once(strace.stdout!, 'data')) as [Buffer];
  const port = Number(/listening 127\.0\.0\.1:(\d+)/.exec(line.toString())![1]);
  const serverPid = Number(readFileSync(`/proc/${strace.pid}/task/${strace.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  t.ok(serverPid > 0, 'the traced server is found');
  if (!(serverPid > 0)) return;

  const idle = threadsOf(serverPid);
  await sendTutorialRequest({ host: '127.0.0.1', port, size: 20 });
  await rawExchange(port, [post('{"size": 3}'), post('{"size": 4}')], 2);
  // The server's close of the second connection: its thread ends right after it.
  t.ok(await waitUntil(() => threadsOf(serverPid) === idle, 5000), 'both connections closed');
  process.kill(serverPid, 'SIGTERM');
  await once(strace, 'exit');

  const trace = readdirSync(dir)
    .map((file) => readFileSync(path.join(dir, file), 'utf8'))
    .join('');
  const accepts = [...trace.matchAll(/accept4?\((\d+), (.*?), .*\) = (\d+)/g)];
  t.equal(accepts.length, 2, 'two connections accepted');
  for (const accept of accepts) {
    t.match(accept[0], /^accept4\(/, 'accept4, not accept');
    t.not(accept[2], 'NULL', 'with a sockaddr');
    t.match(accept[2], /sa_family=AF_INET/, 'the sockaddr holds the client address');
    t.match(accept[0], /SOCK_CLOEXEC/);
  }
  const connectionFds = new Set(accepts.map((a) => a[3]));
  const onConnection = (name: string) =>
    [...trace.matchAll(new RegExp(`\\b${name}\\((\\d+)[,)]`, 'g'))].filter((m) => connectionFds.has(m[1]));
  for (const name of ['recvfrom', 'recvmsg', 'readv', 'sendto', 'sendmsg', 'writev', 'sendfile']) {
    t.equal(onConnection(name).length, 0, `no ${name} on connection sockets`);
  }
  t.ok(onConnection('read').length >= 3, 'requests come in through read');
  t.ok(onConnection('close').length >= 2, 'connections end with close');
  const writes = [...trace.matchAll(/\bwrite\((\d+), "(.*?)"(\.\.\.)?, \d+\) = (\d+)/g)].filter((m) => connectionFds.has(m[1]));
  t.equal(writes.length, 3, 'one write per response');
  for (const write of writes) {
    t.match(write[2], /^HTTP\/1\.1 200 OK\\r\\n.*\\r\\n\\r\\n\{\\"answer\\": \\"/, 'status line, headers and body start in one write');
  }
});
