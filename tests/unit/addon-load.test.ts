import t from 'tap';
import { addon } from '../../src/native/addon.js';

t.test('the addon loads and reports the libbcc it was built against', async (t) => {
  const a = addon();
  t.match(a.libbccVersion, /^\d+\.\d+\.\d+/);
  t.type(a.compile, 'function');
  t.type(a.features.wakeupThreshold, 'boolean');
});
