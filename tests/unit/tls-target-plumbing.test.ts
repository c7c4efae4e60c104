// The TLS track's target plumbing without a kernel: which libssl a process maps (from its
// /proc/PID/maps), whom targets run as, and what a target's stdout reports.
import t from 'tap';
import { findMappedLibrary, LibraryNotMappedError, mappedLibrary } from '../../src/engine/processMaps.js';
import { describeEncrypted, ListeningProcess } from '../../src/targets/listeningProcess.js';
import { unprivilegedUser } from '../../src/util/invokingUser.js';
import { asIfSudo } from '../helpers/processes.js';
import { waitUntil } from '../helpers/waitUntil.js';

t.test('the libssl a process maps is found in /proc/PID/maps', async (t) => {
  const maps = [
    '7f0000000000-7f0000001000 r--p 00000000 fe:00 339900     /usr/lib/x86_64-linux-gnu/libssl.so.3',
    '7f0000002000-7f0000003000 r--p 00000000 fe:00 339901     /usr/lib/x86_64-linux-gnu/libcrypto.so.3',
    '7f0000004000-7f0000005000 rw-p 00000000 00:00 0 ',
  ].join('\n');
  t.equal(findMappedLibrary(maps, 'libssl'), '/usr/lib/x86_64-linux-gnu/libssl.so.3');
  t.equal(findMappedLibrary(maps, 'libcrypto'), '/usr/lib/x86_64-linux-gnu/libcrypto.so.3');
  t.equal(findMappedLibrary(maps, 'ssl'), '/usr/lib/x86_64-linux-gnu/libssl.so.3', 'a track\'s short name');
  t.equal(findMappedLibrary('7f00-7f01 r-xp 00000000 fe:00 7 /opt/ssl/lib64/libssl.so.1.1', 'libssl'), '/opt/ssl/lib64/libssl.so.1.1');
  t.equal(findMappedLibrary('7f00-7f01 r--p 00000000 fe:00 1   /usr/lib/libssl3-compat.so', 'libssl'), undefined);
  t.equal(findMappedLibrary('7f00-7f01 r--p 00000000 fe:00 1   /usr/lib/libssl.so.3 (deleted)', 'libssl'), undefined, 'a replaced file is not probed');
  // This process (node) carries its OpenSSL inside its own binary: no libssl to probe.
  const error = t.throws(() => mappedLibrary(process.pid, 'libssl'), LibraryNotMappedError) as Error;
  t.match(error.message, new RegExp(`process ${process.pid} does not use libssl`));
  t.throws(() => mappedLibrary(2 ** 22 + 1, 'libssl'), /cannot read \/proc\/\d+\/maps \(ENOENT\): the process has exited/);
});

t.test('targets run as the user behind sudo, else nobody, never root', async (t) => {
  const passwd = 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n';
  asIfSudo(t, { uid: '1000', gid: '1001' });
  t.same(unprivilegedUser(passwd), { uid: 1000, gid: 1001 });
  asIfSudo(t, { uid: '0', gid: '0' });
  t.same(unprivilegedUser(passwd), { uid: 65534, gid: 65534, name: 'nobody' }, 'sudo from root is still not root');
  asIfSudo(t, null);
  t.same(unprivilegedUser('nobody:x:99:99::/:/sbin/nologin\n'), { uid: 99, gid: 99, name: 'nobody' }, "nobody's ids from /etc/passwd");
  t.same(unprivilegedUser(''), { uid: 65534, gid: 65534, name: 'nobody' });
});

t.test("a target's stdout: its address, then the encrypted bytes of each closed connection", async (t) => {
  const script = 'read pem; echo "listening 127.0.0.1:4443"; echo "tls-bytes 700 1400"; echo "tls-bytes 50 60"; echo "got $pem" >&2; sleep 5';
  const target = await ListeningProcess.start({
    what: 'a test target', command: '/bin/sh', args: ['-c', script], env: {}, stdin: 'PEM\n', scheme: 'https', whenMissing: 'n/a',
  });
  t.teardown(() => target.stop());
  t.equal(target.url, 'https://127.0.0.1:4443');
  await waitUntil(() => target.encrypted.connections >= 2, 2000);
  t.same(target.encrypted, { connections: 2, received: 750, sent: 1460 });
  await target.stop(100);
  t.notOk(target.running);

  await t.rejects(
    ListeningProcess.start({ what: 'a failing target', command: '/bin/sh', args: ['-c', 'echo cannot bind >&2; exit 3'], env: {}, scheme: 'https', whenMissing: 'n/a' }),
    /a failing target exited with code 3 before listening: cannot bind/,
  );
  await t.rejects(
    ListeningProcess.start({ what: 'a missing target', command: '/nonexistent/python3', args: [], env: {}, scheme: 'https', whenMissing: 'install python3' }),
    /could not run a missing target \(ENOENT\): install python3/,
  );
});

t.test('the one line on what the wire carried', async (t) => {
  t.equal(describeEncrypted({ connections: 0, received: 0, sent: 0 }), null, 'nothing until a connection closed');
  t.equal(
    describeEncrypted({ connections: 3, received: 2454, sent: 4146 }),
    'the wire carried only TLS records: 2,454 encrypted bytes in, 4,146 out (3 connections)',
  );
  t.match(describeEncrypted({ connections: 1, received: 818, sent: 1382 }), /\(1 connection\)/);
  t.equal(describeEncrypted({ connections: 3, received: 2454, sent: 4146 }, 'short'), 'wire: 6,600 B of TLS records', "the app's traffic bar");
  t.ok(describeEncrypted({ connections: 3, received: 2454, sent: 4146 })!.length <= 100, 'one line at 100 columns');
});
