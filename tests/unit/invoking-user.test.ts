import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { giveToInvokingUser, invokingUser, parsePasswd } from '../../src/util/invokingUser.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  '# a comment line',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'broken line without fields',
  'ada:x:1000:1000:Ada Lovelace,,,:/home/ada:/bin/bash',
  'bad:x:notanumber:1:x:/nowhere:/bin/false',
  '',
].join('\n');

t.test('parsePasswd reads name, uid, gid and home and skips malformed lines', async (t) => {
  t.same(parsePasswd(PASSWD), [
    { name: 'root', uid: 0, gid: 0, home: '/root' },
    { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin' },
    { name: 'ada', uid: 1000, gid: 1000, home: '/home/ada' },
  ]);
});

t.test('invokingUser is null outside sudo', async (t) => {
  t.equal(invokingUser({}, () => PASSWD), null);
  t.equal(invokingUser({ SUDO_USER: 'ada' }, () => PASSWD), null, 'a name alone is not enough');
  t.equal(invokingUser({ SUDO_UID: '1000' }, () => PASSWD), null, 'the gid is needed too');
  t.equal(invokingUser({ SUDO_UID: 'ada', SUDO_GID: '1000' }, () => PASSWD), null, 'ids must be numbers');
});

t.test('invokingUser finds the user behind sudo and their home', async (t) => {
  t.same(invokingUser({ SUDO_UID: '1000', SUDO_GID: '1000', SUDO_USER: 'ada' }, () => PASSWD), {
    uid: 1000,
    gid: 1000,
    name: 'ada',
    home: '/home/ada',
  });
});

t.test('invokingUser takes the name from /etc/passwd when SUDO_USER is missing', async (t) => {
  t.same(invokingUser({ SUDO_UID: '1000', SUDO_GID: '1000' }, () => PASSWD), {
    uid: 1000,
    gid: 1000,
    name: 'ada',
    home: '/home/ada',
  });
});

t.test('invokingUser still gives uid and gid for a user /etc/passwd does not list', async (t) => {
  t.same(invokingUser({ SUDO_UID: '4242', SUDO_GID: '4243' }, () => PASSWD), { uid: 4242, gid: 4243 });
  t.same(invokingUser({ SUDO_UID: '4242', SUDO_GID: '4243' }, () => ''), { uid: 4242, gid: 4243 });
});

t.test('giveToInvokingUser chowns to the sudo user, and leaves files alone otherwise', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-invoking-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'clean.c');
  writeFileSync(file, '// mine\n');
  const before = statSync(file);

  giveToInvokingUser(file, {});
  t.equal(statSync(file).uid, before.uid, 'outside sudo nothing changes');

  if (process.getuid?.() !== 0) {
    giveToInvokingUser(file, { SUDO_UID: '4242', SUDO_GID: '4243' });
    t.equal(statSync(file).uid, before.uid, 'without root nothing changes');
    return;
  }
  giveToInvokingUser(file, { SUDO_UID: '4242', SUDO_GID: '4243' });
  t.equal(statSync(file).uid, 4242);
  t.equal(statSync(file).gid, 4243);
  giveToInvokingUser(dir, { SUDO_UID: '4242', SUDO_GID: '4243' });
  t.equal(statSync(dir).uid, 4242, 'directories too');
});

t.test('giveToInvokingUser explains what to do when the chown fails', { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
  t.throws(() => giveToInvokingUser('/nonexistent/ws-file', { SUDO_UID: '4242', SUDO_GID: '4243' }), {
    message: /could not give \/nonexistent\/ws-file to uid 4242 \(ENOENT\): run `sudo chown 4242:4243/,
  });
});
