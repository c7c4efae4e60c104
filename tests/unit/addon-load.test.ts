import t from 'tap';
import { closeSync, readFileSync } from 'node:fs';
import { addon } from '../../src/native/addon.js';

t.test('the addon loads and reports the libbcc it was built against', async (t) => {
  const a = addon();
  t.match(a.libbccVersion, /^\d+\.\d+\.\d+/);
  t.type(a.socketPair, 'function');
  t.type(a.receiveFds, 'function');
  t.type(a.features.wakeupThreshold, 'boolean');
});

t.test('the addon brings no clang or LLVM into the process (compiling happens in bcc-build)', async (t) => {
  addon();
  const maps = readFileSync('/proc/self/maps', 'utf8');
  t.match(maps, /bcc_addon\.node/, 'the addon is mapped');
  t.notMatch(maps, /libLLVM|libclang/, 'and neither libLLVM nor libclang is');
});

t.test('receiveFds on a socket nobody wrote to returns no fds and does not block', async (t) => {
  const [ours, theirs] = addon().socketPair();
  t.teardown(() => {
    closeSync(ours);
    closeSync(theirs);
  });
  t.same(addon().receiveFds(ours), []);
});
