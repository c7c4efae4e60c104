// The board's rows: level reached, the first failing check, "stuck since" and its order, and
// the cap on learners.
import t from 'tap';
import { Roster } from '../../src/board/roster.js';
import type { BoardPayload, PayloadCheck } from '../../src/board/payload.js';

function check(id: string, status: PayloadCheck['status'], line: number | null = null): PayloadCheck {
  return { id, title: id, status, code: status === 'fail' ? id.toUpperCase() : null, message: `${id} ${status}`, hint: null, location: line ? { file: 'clean.c', line, column: null } : null };
}

function payload(name: string, level: number, passed: boolean): BoardPayload {
  const checks = passed ? [check('compile', 'pass')] : [check('compile', 'pass'), check('hook:a', 'fail', 12), check('hook:b', 'fail', 30)];
  return { name, track: 'http', sentAt: 0, report: { level, file: 'clean.c', passed, attachMode: 'kprobe', checks, capture: { events: {} } } };
}

t.test('a row keeps the level reached, the first failure and when the learner got stuck', async (t) => {
  const roster = new Roster();
  roster.add(payload('ada', 1, true), 1000);
  let row = roster.add(payload('ada', 2, false), 2000);
  t.ok(row.ok);
  if (!row.ok) return;
  t.equal(row.row.levelReached, 1, 'passed level 1');
  t.equal(row.row.level, 2);
  t.same(row.row.failure, { code: 'HOOK:A', id: 'hook:a', title: 'hook:a', message: 'hook:a fail', line: 12 }, 'the first failing check');
  t.equal(row.row.stuckSince, 2000);
  row = roster.add(payload('ada', 2, false), 9000);
  t.equal(row.ok && row.row.stuckSince, 2000, 'still stuck since the first failure on this level');
  t.equal(row.ok && row.row.reports, 3);
  row = roster.add(payload('ada', 2, true), 10_000);
  t.equal(row.ok && row.row.stuckSince, null, 'a pass ends it');
  t.equal(row.ok && row.row.levelReached, 2);
  t.equal(row.ok && row.row.failure, null);
  row = roster.add(payload('ada', 1, true), 11_000);
  t.equal(row.ok && row.row.levelReached, 2, 'going back to an easier level keeps the highest reached');
  row = roster.add(payload('ada', 3, false), 12_000);
  t.equal(row.ok && row.row.stuckSince, 12_000, 'a new level starts the clock again');
});

t.test('rows come stuck longest first, then the passing ones by name', async (t) => {
  const roster = new Roster();
  roster.add(payload('zoe', 1, true), 1);
  roster.add(payload('bob', 1, false), 500);
  roster.add(payload('amy', 2, true), 2);
  roster.add(payload('cat', 1, false), 100);
  t.same(
    roster.list().map((r) => r.name),
    ['cat', 'bob', 'amy', 'zoe'],
  );
});

t.test('the roster holds at most its cap of learners; known learners still report', async (t) => {
  const roster = new Roster(2);
  t.ok(roster.add(payload('a', 0, true)).ok);
  t.ok(roster.add(payload('b', 0, true)).ok);
  t.same(roster.add(payload('c', 0, true)), { ok: false, reason: 'full' });
  t.ok(roster.add(payload('a', 1, true)).ok);
  t.equal(roster.size, 2);
});
