// The learner's reporter against real servers on loopback: a board that takes the reports, one
// that refuses them (wrong code), one that is down and one that never answers. The learner's
// side never waits longer than its bound and says each problem once.
import t from 'tap';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startBoard } from '../../src/board/server.js';
import { BoardReporter, learnerName, parseJoinUrl } from '../../src/board/reporter.js';
import type { CheckReport } from '../../src/report/checkReport.js';
import { repoRoot } from '../helpers/cli.js';

const report = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures/board/no-null-check.verbose.json'), 'utf8')) as CheckReport;

function reporter(joinUrl: string, notices: string[], extra: Partial<ConstructorParameters<typeof BoardReporter>[0]> = {}) {
  return new BoardReporter({ joinUrl, name: 'bob', track: 'http', notice: (m) => notices.push(m), ...extra });
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

t.test('reports reach the board, in order, the newest winning when the queue is full', async (t) => {
  const board = await startBoard({ port: 0 });
  t.teardown(() => board.close());
  const notices: string[] = [];
  const client = reporter(`http://127.0.0.1:${board.port}/join/${board.classCode}`, notices, { queueLimit: 2 });
  client.report({ ...report, level: 0 });
  client.report({ ...report, level: 1 });
  client.report({ ...report, level: 2 });
  client.report({ ...report, level: 3 });
  await client.flush(5000);
  t.same(notices, []);
  t.equal(client.sent + client.dropped, 4, 'every report is sent or counted as dropped');
  t.ok(client.dropped >= 1, `the queue of 2 dropped the oldest (${client.dropped})`);
  t.equal(board.roster.list()[0].level, 3, 'the newest report is the row');
});

t.test('a wrong class code: said once, and reporting stops', async (t) => {
  const board = await startBoard({ port: 0 });
  t.teardown(() => board.close());
  const notices: string[] = [];
  const client = reporter(`http://127.0.0.1:${board.port}/join/NOTTHEONE`, notices);
  client.report(report);
  client.report(report);
  await client.flush(3000);
  t.equal(notices.length, 1, notices.join(' | '));
  t.match(notices[0], /refused the report \(wrong class code\?\)/);
  t.equal(board.roster.size, 0);
});

t.test('a board that is down: retried, dropped, said once, within the bound', async (t) => {
  const notices: string[] = [];
  const client = reporter(`http://127.0.0.1:${await closedPort()}/join/ABCD`, notices);
  client.report(report);
  client.report(report);
  // Wall-clock bounds are the benchmark's business (this machine is shared); what is
  // asserted is that the flush gives up rather than waiting for the board.
  await client.flush(2000);
  const unreachable = notices.filter((n) => /cannot be reached \(ECONNREFUSED\): your checks go on/.test(n));
  t.equal(unreachable.length, 1, `said once: ${notices.join(' | ')}`);
  t.equal(client.sent, 0);
  t.equal(client.sent + client.dropped, 2, 'both reports are given up on');
});

t.test('a board that never answers costs at most the bound', async (t) => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = http.createServer(() => {}); // takes the request, never answers
  silent.on('connection', (s) => sockets.add(s));
  silent.listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const notices: string[] = [];
  const client = reporter(`http://127.0.0.1:${(silent.address() as { port: number }).port}/join/ABCD`, notices);
  const started = Date.now();
  client.report(report);
  await client.flush(2000);
  const took = Date.now() - started;
  t.ok(took >= 1900, `flush waited for the bound (${took} ms), then gave up`);
  t.ok(notices.some((n) => /no answer in time|did not answer within 2 s/.test(n)), notices.join(' | '));
});

t.test('join URLs and names from the command line', async (t) => {
  t.equal(parseJoinUrl('http://127.0.0.1:7373/join/ABCD').pathname, '/join/ABCD');
  t.throws(() => parseJoinUrl('127.0.0.1:7373'), { name: 'WorkshopError', code: 'USAGE' });
  t.throws(() => parseJoinUrl('ftp://x/join/A'), { name: 'WorkshopError', code: 'USAGE' });
  t.equal(learnerName(' Ada ', {}), 'Ada');
  t.equal(learnerName(undefined, { SUDO_USER: 'grace' }), 'grace', 'the user behind sudo, not root');
  t.equal(learnerName(undefined, {}, () => 'linus'), 'linus');
  t.throws(() => learnerName('   ', {}), { name: 'WorkshopError', code: 'USAGE' });
});
