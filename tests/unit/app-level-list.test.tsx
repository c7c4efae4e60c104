/** @jsxRuntime automatic */
/** @jsxImportSource react */
import t from 'tap';
import { render } from 'ink-testing-library';
import { LevelList } from '../../src/app/components/LevelList.js';
import { setColorEnabled } from '../../src/app/theme.js';
import { loadTrack } from '../../src/tracks/tracks.js';

setColorEnabled(false);
const levels = loadTrack('http').levels;

t.test('done, current and ahead are told apart by their marks', async (t) => {
  const { lastFrame, unmount } = render(<LevelList levels={levels} current={2} completed={[0, 1]} width={40} />);
  const lines = lastFrame()!.split('\n').map((l) => l.trimEnd());
  t.equal(lines.length, 5);
  t.match(lines[0], /^✓ 0 The accept4 outline/);
  t.match(lines[1], /^✓ 1 /);
  t.match(lines[2], /^▶ 2 Reading the request/);
  t.match(lines[3], /^ {2}3 /, 'ahead: no mark');
  t.match(lines[4], /^ {2}4 /);
  unmount();
});

t.test('a current level already done says so; too narrow for titles, the numbers alone', async (t) => {
  const { lastFrame, unmount } = render(<LevelList levels={levels} current={1} completed={[0, 1]} width={16} />);
  const lines = lastFrame()!.split('\n');
  t.match(lines[1], /^▶ 1 /);
  for (const line of lines) t.ok(line.length <= 16, `"${line}" fits in 16 columns`);
  unmount();
  const wide = render(<LevelList levels={levels} current={1} completed={[0, 1]} width={60} />);
  t.match(wide.lastFrame()!.split('\n')[1], /Who connected: open events ✓/);
  wide.unmount();
});
