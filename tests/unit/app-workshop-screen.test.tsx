/** @jsxRuntime automatic */
/** @jsxImportSource react */
import t from 'tap';
import { render } from 'ink-testing-library';
import { WorkshopApp, workshopKeys } from '../../src/app/components/WorkshopApp.js';
import { fitKeys, KeyBar } from '../../src/app/components/KeyBar.js';
import type { WorkshopControls } from '../../src/app/controls.js';
import { ConnectionLog } from '../../src/app/connectionLog.js';
import { ThrottledStore } from '../../src/app/store.js';
import { setColorEnabled } from '../../src/app/theme.js';
import { initialWatchState } from '../../src/app/watchMachine.js';
import type { WorkshopSnapshot } from '../../src/app/workshopSession.js';
import { fail } from '../../src/report/checkReport.js';
import { loadTrack } from '../../src/tracks/tracks.js';

setColorEnabled(false);

function snapshot(overrides: Partial<WorkshopSnapshot> = {}): WorkshopSnapshot {
  return {
    phase: 'ready',
    step: 'ready',
    fatal: null,
    file: 'clean.c',
    attachMode: 'tracepoint',
    warnings: [],
    server: { url: 'http://127.0.0.1:8080', pid: 123 },
    levels: loadTrack('http').levels,
    level: 2,
    completed: [0, 1],
    watch: { ...initialWatchState, status: 'attached', generation: 1 },
    watchMode: 'events',
    watchNote: 'watching for saves',
    source: '',
    expected: { status: 'attached', problem: null },
    learnerLog: new ConnectionLog(),
    expectedLog: new ConnectionLog(),
    captureVersion: 0,
    traffic: { auto: false, size: 50, sent: 0, failed: 0, lastError: null },
    live: { checks: [], passed: false },
    passedLevel: null,
    hintsShown: 0,
    lost: 0,
    notice: null,
    ...overrides,
  };
}

/** A workshop that records what the screen asked of it. */
function fake(snap: WorkshopSnapshot) {
  const calls: string[] = [];
  let current = snap;
  const store = new ThrottledStore(() => current, { intervalMs: 0 });
  const controls: WorkshopControls = {
    store,
    setLevel: (id) => calls.push(`level ${id}`),
    nextLevel: () => calls.push('next'),
    revealHint: () => {
      current = { ...current, hintsShown: current.hintsShown + 1 };
      store.publish();
      calls.push('hint');
      return current.hintsShown;
    },
    solutionText: (level) => `// the solution of level ${level}\nint x;`,
    levelStartText: () => 'int x;',
    resetLevel: () => {
      calls.push('reset');
      return 'clean.c.bak-1';
    },
    startOver: () => calls.push('start over'),
    traffic: {
      sendOne: async () => void calls.push('request'),
      toggleAuto: () => calls.push('auto'),
      resize: (step) => calls.push(`size ${step}`),
    },
  };
  const update = (next: Partial<WorkshopSnapshot>) => {
    current = { ...current, ...next };
    store.publish();
  };
  return { controls, calls, update };
}

/** Lets a key press be rendered: until the frame changes (a loaded machine renders slowly), or 400 ms. */
let frameOf: () => string | undefined = () => undefined;
async function tick() {
  const before = frameOf();
  await new Promise((resolve) => setTimeout(resolve, 30));
  for (let waited = 30; frameOf() === before && waited < 400; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}
function rendered(tree: Parameters<typeof render>[0]) {
  const instance = render(tree);
  frameOf = instance.lastFrame;
  return instance;
}

t.test('the whole screen fits the terminal, with the keys on it', async (t) => {
  const { controls } = fake(snapshot());
  const quits: number[] = [];
  const { lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => quits.push(1)} />);
  const frame = lastFrame()!;
  const lines = frame.split('\n');
  t.ok(lines.length <= 23, `${lines.length} rows for a 24-row terminal`);
  t.ok(lines.every((l) => l.length <= 100), 'no row wider than the terminal');
  t.match(frame, /▶ 2 Reading the request/);
  t.match(frame, /Instructions/);
  t.match(frame, /Your sniffer/);
  t.match(frame, /Expected/);
  t.match(frame, /r request .*q quit/);
  unmount();
});

t.test('keys reach the workshop: traffic, levels, hints, quit', async (t) => {
  const { controls, calls } = fake(snapshot());
  let quit = 0;
  const { stdin, lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => quit++} />);
  for (const key of ['r', 'a', '+', '-', '3', '\u001b[C', '\u001b[D', 'n']) {
    stdin.write(key);
    await tick();
  }
  t.same(calls, ['request', 'auto', 'size 1', 'size -1', 'level 3', 'level 3', 'level 1', 'next']);
  stdin.write('h');
  await tick();
  t.match(lastFrame()!, /Hints for level 2/);
  t.match(lastFrame()!, /Hint 1 of \d+/);
  stdin.write('q');
  await tick();
  t.equal(quit, 1);
  stdin.write('\u0003'); // Ctrl-C is a key in raw mode: it quits the same way
  await tick();
  t.equal(quit, 2);
  unmount();
});

t.test('the solution and a reset are asked first; any other key says no', async (t) => {
  const { controls, calls } = fake(snapshot());
  const { stdin, lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  stdin.write('s');
  await tick();
  t.match(lastFrame()!, /Show the solution of level 2\?/);
  stdin.write('n');
  await tick();
  t.notMatch(lastFrame()!, /the solution of level 2/);
  t.same(calls, [], 'n answered the question, it did not go to the next level');
  stdin.write('s');
  await tick();
  stdin.write('y');
  await tick();
  t.match(lastFrame()!, /\/\/ the solution of level 2/);
  stdin.write('\u001b');
  await tick();
  t.match(lastFrame()!, /Instructions/);
  stdin.write('x');
  await tick();
  t.match(lastFrame()!, /Reset clean\.c to the start of level 2\?/);
  stdin.write('y');
  await tick();
  t.same(calls, ['reset']);
  unmount();
});

t.test('a broken file shows its diagnostic instead of the columns; a pass offers the next level', async (t) => {
  const { controls, update } = fake(snapshot());
  const { lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  update({
    watch: { ...initialWatchState, status: 'broken', generation: 2, checks: [fail('compile', 'compiles', 'expected \';\' after expression', { code: 'COMPILE_MISSING_SEMICOLON', location: { file: 'clean.c', line: 2, column: 5 } })] },
    source: 'int a;\nint b\nint c;',
  });
  await tick();
  t.match(lastFrame()!, /✗ clean\.c:2:5 {2}expected ';' after expression/);
  t.match(lastFrame()!, /▶ 2 │ int b/);
  t.notMatch(lastFrame()!, /Your sniffer/);
  update({ watch: { ...initialWatchState, status: 'attached', generation: 3 }, passedLevel: 2 });
  await tick();
  t.match(lastFrame()!, /Level 2 passed! press n for level 3/);
  t.match(lastFrame()!, /n next level/);
  unmount();
});

t.test('help lists every key', async (t) => {
  const { controls } = fake(snapshot());
  const { stdin, lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  stdin.write('?');
  await tick();
  for (const key of ['send one request', 'automatic traffic', 'a hint', 'quit: everything detached']) t.match(lastFrame()!, key);
  unmount();
});

t.test('the key bar shrinks to fit and keeps q quit', async (t) => {
  const keys = workshopKeys(true); // the app's longest bar
  t.same(fitKeys(keys, 200), { gap: '  ', labels: keys.map((k) => k.label) });
  const narrow = fitKeys(keys, 80);
  t.equal(narrow.gap, ' ');
  t.same(narrow.labels.slice(0, 2), ['next', 'req']);
  const { lastFrame, unmount } = render(<KeyBar keys={keys} width={80} />);
  t.ok(lastFrame()!.length <= 80, lastFrame()!);
  t.match(lastFrame()!, /q quit$/);
  unmount();
});

t.test('while the file fails, its problems stand beside the expected capture, which stays live', async (t) => {
  const expectedLog = new ConnectionLog();
  expectedLog.add([
    { type: 'open', timestampNs: 1, pid: 9, fd: 4, client: { family: 'ipv4', address: '127.0.0.1', port: 40001 } },
    { type: 'data', timestampNs: 2, pid: 9, fd: 4, direction: 'ingress', size: 40, payload: Buffer.from('POST /customResponse HTTP/1.1\r\n\r\n{"size": 50}') },
  ]);
  const { controls } = fake(
    snapshot({
      watch: { ...initialWatchState, status: 'broken', generation: 2, checks: [fail('compile', 'compiles', 'expected \';\' after expression', { code: 'COMPILE_MISSING_SEMICOLON', location: { file: 'clean.c', line: 2, column: 5 } })] },
      source: 'int a;\nint b\nint c;',
      expectedLog,
      captureVersion: 1,
    }),
  );
  const { lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  const frame = lastFrame()!;
  t.match(frame, /✗ clean\.c:2:5/);
  t.match(frame, /│ Expected \(solution\.c\)/);
  t.match(frame, /│ in +POST \/customResponse/, 'the request under Expected');
  unmount();
});

t.test('the solution marks what the level adds', async (t) => {
  const { controls } = fake(snapshot());
  const { stdin, lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  stdin.write('s');
  await tick();
  stdin.write('y');
  await tick();
  t.match(lastFrame()!, /\+│ \/\/ the solution of level 2/, 'the added line marked +');
  t.match(lastFrame()!, / {2}│ int x;/, 'the line it had before, unmarked');
  unmount();
});

t.test('keys that arrive in one read are each acted on: a question and its answer', async (t) => {
  const { controls, calls } = fake(snapshot());
  const { stdin, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  stdin.write('xy');
  await tick();
  t.same(calls, ['reset']);
  unmount();
});

t.test('start over asks first, then forgets the progress', async (t) => {
  const { controls, calls } = fake(snapshot());
  const { stdin, lastFrame, unmount } = rendered(<WorkshopApp workshop={controls} onQuit={() => {}} />);
  stdin.write('o');
  await tick();
  t.match(lastFrame()!, /Start over: forget the levels clean\.c has done on this track/);
  stdin.write('y');
  await tick();
  t.same(calls, ['start over']);
  unmount();
});
