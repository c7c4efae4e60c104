// The classroom board end to end, as an instructor and a room see it: `board --json` started
// by the CLI, learners' real `check --report` runs (programs loaded into this kernel), and the
// page in headless Chromium (Debian's package, installed by scripts/setup.sh; driven by
// playwright-core, no browser download). Must show: alice's passing level 4 and bob's missing
// NULL check both appear, bob's with the failing check's code; a report with a wrong class
// code is refused, never shown, and its check still exits by its own result; a report from
// check is on the page within 2 s; learner-supplied text is shown as text, never run.
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadTrack } from '../../src/tracks/tracks.js';

const solutionFile = loadTrack('http').reference;
import { applyEdits } from '../helpers/corpus.js';
import { testWorkspace, repoRoot, runCli, spawnCli } from '../helpers/cli.js';
import { uidsOf } from '../helpers/processes.js';

// Debian's package; elsewhere (an Ubuntu runner's Chrome, say) CHROMIUM_PATH names another.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As root with no display: no sandbox, no GPU, and none of Chromium's own network traffic
// (the network here is closed; its background requests would only fail).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Ready {
  type: 'ready';
  url: string;
  joinUrl: string;
  loopbackOnly: boolean;
}

async function setUp(t: Test) {
  const workspace = testWorkspace(t, 'ebpf-workshop-board-');
  copyFileSync(solutionFile, path.join(workspace.dir, 'solution.c'));
  // The broken corpus's no-null-check.c: level 1's step file with the NULL check taken out.
  const corpus = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures/broken-corpus/manifest.json'), 'utf8')) as {
    files: { file: string; from: string; edits: { find: string; replace: string }[] }[];
  };
  const noNull = corpus.files.find((f) => f.file === 'no-null-check.c')!;
  writeFileSync(path.join(workspace.dir, 'no-null-check.c'), applyEdits(readFileSync(path.join(repoRoot, noNull.from), 'utf8'), noNull.edits, noNull.file, noNull.from));

  t.ok(existsSync(CHROMIUM), `${CHROMIUM} is installed (scripts/setup.sh installs Debian's chromium)`);

  const board = spawnCli(['board', '--json', '--port', '0'], { workspace });
  t.teardown(() => board.kill('SIGTERM'));
  const boardLines = createInterface({ input: board.stdout! });
  const boardStderr: string[] = [];
  board.stderr!.on('data', (c: Buffer) => boardStderr.push(c.toString()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    boardLines.once('line', (line) => resolve(JSON.parse(line) as Ready));
    board.once('exit', (code) => reject(new Error(`board exited (${code}) before it was ready: ${boardStderr.join('')}`)));
  });

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { workspace, ready, page, pageErrors, boardPid: board.pid! };
}

t.test('the classroom board, seen in Chromium', async (t) => {
  const { workspace, ready, page, pageErrors, boardPid } = await setUp(t);

  /** Waits for the learner's row on the page; the ms it took. */
  async function rowAppears(name: string, timeoutMs = 10_000): Promise<number> {
    const started = Date.now();
    await page.locator(`tr[data-name="${name}"]`).waitFor({ timeout: timeoutMs });
    return Date.now() - started;
  }

  t.test('board --json says where it is, on loopback', async (t) => {
    t.equal(ready.type, 'ready');
    t.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+\/\?view=\S+$/);
    t.match(ready.joinUrl, /^http:\/\/127\.0\.0\.1:\d+\/join\/[A-Z0-9]{8}$/);
    t.equal(ready.loopbackOnly, true);
  if (process.getuid?.() === 0) {
    // Root without sudo (as here and in CI): the board keeps no root once it listens.
    t.same(uidsOf(boardPid).slice(0, 3), [65534, 65534, 65534], 'the board runs as nobody');
  }
    await page.goto(ready.url);
    await page.locator('#connection.online').waitFor({ timeout: 5000 });
    t.match(await page.locator('#empty').innerText(), /No learner has reported yet/);
  });

  t.test('alice passes level 4: her row appears within 2 s of her check', async (t) => {
    const run = await runCli(['check', '--level', '4', '--report', ready.joinUrl, '--name', 'alice', 'solution.c'], { workspace });
    const failing = run.stdout.split('\n').filter((line) => line.includes('✗')).join(' | ');
    t.equal(run.code, 0, `exit 0 (failing: ${failing || 'none'}; stderr: ${run.stderr.trim() || 'empty'})`);
    t.notMatch(run.stderr, /board:/, 'nothing to say about the board');
    const took = await rowAppears('alice');
    t.ok(took <= 2000, `on the page ${took} ms after check exited`);
    const row = page.locator('tr[data-name="alice"]');
    t.match(await row.locator('td.level').innerText(), /^4\s+passed 4$/);
    t.match(await row.locator('td.when').innerText(), /^pass/);
    t.match(await row.locator('td.failure').innerText(), /all checks pass/);
  });

  t.test('bob fails level 1 without the NULL check: his row shows the failing check\'s code', async (t) => {
    const run = await runCli(['check', '--level', '1', '--report', ready.joinUrl, '--name', 'bob', 'no-null-check.c'], { workspace });
    t.equal(run.code, 1, 'exit 1: a check failed');
    const took = await rowAppears('bob');
    t.ok(took <= 2000, `on the page ${took} ms after check exited`);
    const row = page.locator('tr[data-name="bob"]');
    const code = (await row.locator('.code').innerText()).trim();
    t.equal(code, 'VERIFIER_NULL_CHECK', 'the code of the verifier\'s rejection of an unchecked lookup');
    t.ok(readFileSync(path.join(repoRoot, 'docs/errors.md'), 'utf8').includes(code), 'a code docs/errors.md explains');
    t.match(await row.locator('.message').innerText(), /without checking it for NULL/);
    t.match(await row.locator('td.failure').innerText(), /line 82/);
    t.match(await row.locator('td.when').innerText(), /^fail/);
    const order = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name));
    t.same(order, ['bob', 'alice'], 'stuck first');
  });

  t.test('a report with a wrong class code is refused, never shown, and check exits by its own result', async (t) => {
    const wrong = ready.joinUrl.replace(/[A-Z0-9]{8}$/, 'WRONG234');
    const passing = await runCli(['check', '--level', '1', '--report', wrong, '--name', 'mallory', 'solution.c'], { workspace });
    t.equal(passing.code, 0, 'a passing check still exits 0');
    t.match(passing.stderr, /board: the board at 127\.0\.0\.1:\d+ refused the report \(wrong class code\?\)/, 'said once, on stderr');
    const failing = await runCli(['check', '--level', '1', '--report', wrong, '--name', 'mallory', 'no-null-check.c'], { workspace });
    t.equal(failing.code, 1, 'a failing check still exits 1');
    await page.waitForTimeout(1500); // the feed is live: give a wrongly accepted report the time to show
    t.equal(await page.locator('tr[data-name="mallory"]').count(), 0, 'mallory is not on the page');
    t.same(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name)), ['bob', 'alice']);
  });

  t.test('a board that is down: check exits by its own result, having said so once', async (t) => {
    const closed = http.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const down = ready.joinUrl.replace(/:\d+\//, `:${port}/`);
    const run = await runCli(['check', '--level', '1', '--report', down, '--name', 'carol', 'no-null-check.c'], { workspace });
    t.equal(run.code, 1, 'exit 1, the check\'s own');
    t.equal(run.stderr.match(/board: /g)?.length, 1, `one line about the board: ${run.stderr.trim()}`);
  });

  t.test('learner-supplied text is shown as text, never run as HTML', async (t) => {
    const hostile = '<img src=x onerror="document.title=1">';
    const response = await fetch(ready.joinUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: hostile,
        track: '<b>http</b>',
        sentAt: Date.now(),
        report: {
          level: 2,
          file: 'clean.c',
          passed: false,
          attachMode: 'kprobe',
          checks: [{ id: 'compile', title: 't', status: 'fail', code: '<script>x()</script>', message: '<i>msg</i>', hint: null, location: null }],
          capture: { events: {} },
        },
      }),
    });
    t.equal(response.status, 204);
    await page.locator('tbody tr').nth(2).waitFor({ timeout: 5000 });
    t.equal(await page.locator('tbody img, tbody b, tbody i, tbody script').count(), 0, 'no element made from a learner\'s text');
    t.ok((await page.locator('tbody').innerText()).includes(hostile), 'the name is shown as typed');
    t.not(await page.title(), '1', 'no handler ran');
    t.same(pageErrors, [], 'no script error on the page');
  });
});
