// `start --board`: the app, line by line (no terminal), reports each verdict on the learner's
// file to a board on loopback: the solution passing level 4 once traffic flows, then a save
// that breaks it, with the failing check's code, then the fix. Quitting leaves nothing behind.
import t from 'tap';
import { once } from 'node:events';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTrack } from '../../src/tracks/tracks.js';
import { boardWithFeed } from '../helpers/boardFeed.js';
import { testWorkspace, spawnCli } from '../helpers/cli.js';
import type { FeedMessage } from '../../src/board/eventFeed.js';

const solutionFile = loadTrack('http').reference;
const dana = (match: (row: Extract<FeedMessage, { type: 'learner' }>['row']) => boolean) => (m: FeedMessage) =>
  m.type === 'learner' && m.row.name === 'dana' && match(m.row);

t.test('start --board sends each new verdict of the learner\'s file', async (t) => {
  const { board, feed } = await boardWithFeed(t);
  const workspace = testWorkspace(t, 'ebpf-workshop-board-start-');
  const file = path.join(workspace.dir, 'solution.c');
  copyFileSync(solutionFile, file);
  const good = readFileSync(file, 'utf8');

  const joinUrl = `http://127.0.0.1:${board.port}/join/${board.classCode}`;
  // The join URL and name from the environment, as a classroom machine may set them.
  const app = spawnCli(['start', '--plain', '--level', '4', 'solution.c'], {
    workspace,
    env: { EBPF_WORKSHOP_BOARD: joinUrl, EBPF_WORKSHOP_NAME: 'dana' },
  });
  let stderr = '';
  app.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  app.stdout!.resume();
  t.teardown(() => app.kill('SIGKILL'));

  const passed = await feed.next(dana((row) => row.passed), 120_000);
  t.equal(passed.message.type === 'learner' && passed.message.row.level, 4, 'level 4 passed, once traffic was judged');

  writeFileSync(file, good.replace('uint64_t id = bpf_get_current_pid_tgid();', 'uint64_t id = bpf_get_current_pid_tgid()'));
  const broken = await feed.next(dana((row) => !row.passed), 60_000);
  const failure = broken.message.type === 'learner' ? broken.message.row.failure : null;
  t.ok(failure, 'the save that broke it is on the board');
  t.match(failure?.code ?? '', /compile/i, `with the failing check's code (${failure?.code})`);
  t.ok(failure?.line && failure.line > 0, 'and its line');

  writeFileSync(file, good);
  await feed.next((m) => m.type === 'learner' && m.row.name === 'dana' && m.row.passed && m.row.lastAt > (broken.message.type === 'learner' ? broken.message.row.lastAt : 0), 120_000);
  t.pass('the fix is on the board too');
  t.ok(board.roster.list()[0].reports >= 3, `${board.roster.list()[0].reports} reports, one per new verdict`);

  app.kill('SIGINT');
  const [code] = (await once(app, 'exit')) as [number | null];
  t.equal(code, 130, `start exits as on any Ctrl-C (130) (stderr: ${stderr.trim().slice(-400) || 'empty'})`);
  t.notMatch(stderr, /board:/, 'nothing to say about a board that answered');
});
