// The board's server on loopback, for real over HTTP: the class code gate, the size cap, the
// per-learner rate, the page's view key and its headers, and the live feed.
import t from 'tap';
import { startBoard, type RunningBoard } from '../../src/board/server.js';
import type { BoardPayload } from '../../src/board/payload.js';
import { boardWithFeed } from '../helpers/boardFeed.js';

function payload(name: string, extra: Partial<BoardPayload> = {}): BoardPayload {
  return {
    name,
    track: 'http',
    sentAt: Date.now(),
    report: {
      level: 1,
      file: 'clean.c',
      passed: false,
      attachMode: 'tracepoint',
      checks: [{ id: 'verifier:x', title: 't', status: 'fail', code: 'VERIFIER_NULL', message: 'no NULL check', hint: null, location: { file: 'clean.c', line: 82, column: null } }],
      capture: { events: { open: 0 } },
    },
    ...extra,
  };
}

async function post(board: RunningBoard, body: unknown, code = board.classCode): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${board.port}/join/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

t.test('reports: a wrong code is refused and never shown; a right one is shown live', async (t) => {
  const { board, feed } = await boardWithFeed(t);
  const first = await feed.next((m) => m.type === 'roster');
  t.same(first.message.type === 'roster' && first.message.rows, [], 'an empty board to start');

  t.equal(await post(board, payload('mallory'), 'WRONGCOD'), 403, 'wrong code: 403');
  t.equal(await post(board, payload('mallory'), ''), 403, 'no code at all: 403 too');
  t.equal(await post(board, payload('bob'), board.classCode.toLowerCase()), 204, 'the code is not case-sensitive (read off a projector)');
  const shown = await feed.next((m) => m.type === 'learner');
  t.equal(shown.message.type === 'learner' && shown.message.row.name, 'bob');
  t.equal(shown.message.type === 'learner' && shown.message.row.failure?.code, 'VERIFIER_NULL');
  t.same(board.roster.list().map((r) => r.name), ['bob'], 'mallory never appears');
  t.notOk(feed.received.some((r) => JSON.stringify(r.message).includes('mallory')), 'nor in the feed');
});

t.test('malformed and oversized reports are refused', async (t) => {
  const board = await startBoard({ port: 0 });
  t.teardown(() => board.close());
  t.equal(await post(board, '{"name":'), 400, 'not JSON');
  t.equal(await post(board, { hello: 'world' }), 400, 'not a report');
  t.equal(await post(board, payload('')), 400, 'an empty name');
  t.equal(await post(board, payload('x'.repeat(41))), 400, 'a name too long');
  t.equal(await post(board, payload('eve', { source: 'x'.repeat(200_000) })), 413, 'over the size cap');
  t.equal(board.roster.size, 0);
});

t.test('each learner is rate-limited on their own', async (t) => {
  const board = await startBoard({ port: 0, rate: { max: 3, windowMs: 60_000 } });
  t.teardown(() => board.close());
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push(await post(board, payload('fast')));
  t.same(statuses, [204, 204, 204, 429, 429]);
  t.equal(await post(board, payload('calm')), 204, 'another learner is not held back');
  t.equal(board.roster.list().find((r) => r.name === 'fast')?.reports, 3);
});

t.test('the page needs its view key and is served with a strict policy', async (t) => {
  const board = await startBoard({ port: 0 });
  t.teardown(() => board.close());
  const base = `http://127.0.0.1:${board.port}`;
  t.equal((await fetch(`${base}/`)).status, 403, 'no key: 403');
  t.equal((await fetch(`${base}/?view=nope`)).status, 403, 'wrong key: 403');
  t.equal((await fetch(`${base}/events`)).status, 403, 'the feed too');
  const page = await fetch(`${base}/?view=${board.viewKey}`);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/, 'no inline script can run');
  t.equal(page.headers.get('referrer-policy'), 'no-referrer');
  t.match(await page.text(), /<table id="learners">/);
  t.equal((await fetch(`${base}/board.js`)).status, 200);
  const join = await fetch(`${base}/join/${board.classCode}`);
  t.match(await join.text(), /start --board http:\/\/127\.0\.0\.1:\d+\/join\/\w+ --name/, 'the join link opened in a browser says how to join');
  t.equal((await fetch(`${base}/join/${board.classCode}`, { method: 'DELETE' })).status, 404, 'nothing else changes the board');
});
