import t from 'tap';
import { invokingUser, parsePasswd } from '../../src/util/invokingUser.js';

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
