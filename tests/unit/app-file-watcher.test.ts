import t from 'tap';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { watch } from 'chokidar';
import { FileWatcher, type WatchMode } from '../../src/app/fileWatcher.js';

function setup(t: { teardown: (fn: () => void) => void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-watch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'clean.c');
  writeFileSync(file, 'int a;\n');
  return { dir, file };
}

/** Resolves with the time it took for `count` changes to be reported, or rejects after `ms`. */
function changes(watcher: FileWatcher, count: number, ms = 4000): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`${seen} of ${count} changes reported within ${ms} ms`)), ms);
    watcher.on('change', () => {
      if (++seen === count) {
        clearTimeout(timer);
        resolve(Date.now() - started);
      }
    });
  });
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('a save in place is reported once, after the debounce', async (t) => {
  const { file } = setup(t);
  const watcher = new FileWatcher(file).start();
  t.teardown(() => watcher.close());
  await settle();
  const reported = changes(watcher, 1);
  writeFileSync(file, 'int a;\nint b;\n');
  writeFileSync(file, 'int a;\nint b;\nint c;\n'); // two writes in a row: one change
  t.ok((await reported) < 2000);
  let extra = 0;
  watcher.on('change', () => extra++);
  await settle(500);
  t.equal(extra, 0, 'no second report for the same save');
  t.equal(watcher.mode, 'events');
});

t.test('a save by rename (how many editors save) is reported', async (t) => {
  const { dir, file } = setup(t);
  const watcher = new FileWatcher(file).start();
  t.teardown(() => watcher.close());
  await settle();
  const reported = changes(watcher, 1);
  const temp = path.join(dir, '.clean.c.swp');
  writeFileSync(temp, 'int renamed;\n');
  renameSync(temp, file);
  t.ok((await reported) < 2000);
});

t.test('other files in the directory are ignored', async (t) => {
  const { dir, file } = setup(t);
  const watcher = new FileWatcher(file).start();
  t.teardown(() => watcher.close());
  await settle();
  let seen = 0;
  watcher.on('change', () => seen++);
  writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  await settle(600);
  t.equal(seen, 0);
});

t.test('--poll: changes are found by polling', async (t) => {
  const { file } = setup(t);
  const modes: WatchMode[] = [];
  const watcher = new FileWatcher(file, { poll: true, pollMs: 100 });
  watcher.on('mode', (mode) => modes.push(mode));
  watcher.start();
  t.teardown(() => watcher.close());
  t.same(modes, ['polling']);
  await settle(150);
  const reported = changes(watcher, 1);
  writeFileSync(file, 'int polled;\n');
  t.ok((await reported) < 1500);
});

t.test('where file events never arrive, it notices, says so, switches to polling and reports the change', async (t) => {
  const { file } = setup(t);
  // A watcher that is set up fine but never hears anything, like inotify on some mounts.
  const deaf = ((..._args: Parameters<typeof watch>) => Object.assign(new EventEmitter(), { close: async () => {} })) as unknown as typeof watch;
  const notes: Array<[WatchMode, string]> = [];
  const watcher = new FileWatcher(file, { watch: deaf, probeMs: 100, pollMs: 100 });
  watcher.on('mode', (mode, why) => notes.push([mode, why]));
  watcher.start();
  t.teardown(() => watcher.close());
  await settle(150);
  const reported = changes(watcher, 1);
  writeFileSync(file, 'int unheard;\n');
  t.ok((await reported) < 2000, 'the change still gets through');
  t.equal(watcher.mode, 'polling');
  t.match(notes.at(-1)!, ['polling', /file events do not arrive here: polling clean\.c/]);
  const again = changes(watcher, 1);
  writeFileSync(file, 'int next;\n');
  t.ok((await again) < 1500, 'and later saves are found by polling');
});
