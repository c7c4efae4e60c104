// The learner's column without a kernel: a fake check and a fake program.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaptureEvent } from '../../src/capture/events.js';
import { LearnerColumn, type CheckedText, type LearnerProgram } from '../../src/app/session/learnerColumn.js';
import { fail, pass } from '../../src/report/checkReport.js';

/** Until the check under way has finished (a loaded machine is slow), at most 3 s. */
async function settle(column: { watch: { status: string } }) {
  for (let waited = 0; column.watch.status === 'compiling' && waited < 3000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

function setup(t: { teardown: (fn: () => void) => void }, attaches = true) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws-learner-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const absFile = path.join(dir, 'clean.c');
  const record: string[] = [];
  const captures: EventEmitter[] = [];
  const check = async (text: string): Promise<CheckedText<number>> => {
    if (text.includes('bad')) return { checks: [fail('compile', 'compiles', 'expected \';\'', { code: 'COMPILE_FAILED', location: { file: 'clean.c', line: 1, column: 1 } })], program: null };
    return {
      checks: [pass('compile', 'compiles', 'ok')],
      program: {
        close: () => void record.push('closed'),
        attach: (): LearnerProgram<number> => {
          const capture = new EventEmitter();
          captures.push(capture);
          record.push('attached');
          return { capture, judge: (requests) => requests.map((r) => pass(`r${r}`, 'r', 'ok')), discard: () => void record.push('discarded') };
        },
      },
    };
  };
  const column = new LearnerColumn<number>({
    file: 'clean.c',
    absFile,
    check,
    level: () => 2,
    attaches: () => attaches,
    closing: () => false,
    changed: () => {},
    attached: () => record.push('both columns start over'),
    passedWithoutAttaching: (level) => void record.push(`passed ${level}`),
    captured: () => record.push('captured'),
  });
  return { absFile, column, record, captures };
}

const open: CaptureEvent = { type: 'open', timestampNs: 1, pid: 9, fd: 4, client: { family: 'ipv4', address: '127.0.0.1', port: 40001 } };

t.test('a good file is attached and captures; a broken one is detached and says why', async (t) => {
  const { absFile, column, record, captures } = setup(t);
  writeFileSync(absFile, 'good');
  column.change('first check');
  t.equal(column.watch.status, 'compiling');
  await settle(column);
  t.equal(column.watch.status, 'attached');
  t.same(record, ['attached', 'both columns start over']);
  captures[0]!.emit('events', [open]);
  t.equal(column.log.connections.length, 1);
  t.same(column.judge([1, 2], [])!.map((c) => c.id), ['r1', 'r2']);
  writeFileSync(absFile, 'bad');
  column.change('saved');
  await settle(column);
  t.equal(column.watch.status, 'broken');
  t.ok(record.includes('discarded'), 'the old program detached');
  t.equal(column.judge([1], []), null, 'nothing to judge');
  t.match(column.watch.checks[0]!.message, /expected ';'/);
  t.equal(column.source, 'bad', 'the text the diagnostic points into');
});

t.test('a level that attaches nothing passes by being built; a file that is gone says so', async (t) => {
  const { absFile, column, record } = setup(t, false);
  writeFileSync(absFile, 'good');
  column.change('first check');
  await settle(column);
  t.same(record, ['closed', 'passed 2']);
  rmSync(absFile);
  column.change('saved');
  await settle(column);
  t.equal(column.watch.status, 'broken');
  t.match(column.watch.problem?.message, /clean\.c is gone/);
  t.match(column.watch.problem?.hint, /press x/);
});
