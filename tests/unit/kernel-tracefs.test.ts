import t from 'tap';
import { readFileSync } from 'node:fs';
import { chooseTracefs, isMounted, parseMounts } from '../../src/kernel/tracefs.js';

const fixture = (name: string) => parseMounts(readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8'));

t.test('parses /proc/mounts, unescaping octal escapes', async (t) => {
  const mounts = fixture('mounts-tracefs.txt');
  t.equal(mounts.length, 8);
  t.same(mounts[5], { source: 'tracefs', target: '/sys/kernel/tracing', fstype: 'tracefs', options: 'rw,nosuid,nodev,noexec,relatime' });
  t.equal(mounts[7]!.target, '/media/usb stick');
  t.ok(isMounted(mounts, 'debugfs', '/sys/kernel/debug'));
});

t.test('prefers /sys/kernel/tracing', async (t) => {
  t.equal(chooseTracefs(fixture('mounts-tracefs.txt'), true, false), '/sys/kernel/tracing');
});

t.test('libbcc older than 0.26 gets the debugfs path, present or automounted', async (t) => {
  const mounts = fixture('mounts-tracefs.txt');
  // debugfs is mounted; its tracing automount answers when touched.
  t.equal(chooseTracefs(mounts, true, true), '/sys/kernel/debug/tracing');
  t.equal(chooseTracefs(mounts, false, true), null);
});

t.test('accepts tracefs under debugfs', async (t) => {
  t.equal(chooseTracefs(fixture('mounts-debugfs-only.txt'), false, false), '/sys/kernel/debug/tracing');
  t.equal(chooseTracefs(fixture('mounts-debugfs-only.txt'), false, true), '/sys/kernel/debug/tracing');
});

t.test('nothing mounted', async (t) => {
  t.equal(chooseTracefs(fixture('mounts-none.txt'), false, false), null);
  t.equal(chooseTracefs(fixture('mounts-none.txt'), true, false), null, 'a debug/tracing directory without debugfs mounted is not tracefs');
});
