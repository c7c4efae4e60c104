// The Expected column without a kernel: a fake reference program that emits events.
import t from 'tap';
import type { CaptureEvent } from '../../src/capture/events.js';
import { ExpectedColumn, type OpenReference } from '../../src/app/session/expectedColumn.js';

const open = (port: number, ns: number): CaptureEvent => ({ type: 'open', timestampNs: ns, pid: 9, fd: 4, client: { family: 'ipv4', address: '127.0.0.1', port } });

function fakeReference() {
  const emitters: Array<(batch: CaptureEvent[]) => void> = [];
  const discarded: number[] = [];
  let fail: Error | null = null;
  const openReference: OpenReference = async (level, onEvents) => {
    if (fail) throw fail;
    emitters.push(onEvents);
    return { discard: () => void discarded.push(level) };
  };
  return { openReference, emitters, discarded, failNext: (e: Error) => (fail = e) };
}

t.test('attached, it shows what the reference captures since the learner attached', async (t) => {
  const ref = fakeReference();
  const changes: boolean[] = [];
  const column = new ExpectedColumn(ref.openReference, (captured) => changes.push(captured));
  const loading = column.load(2);
  t.equal(column.status.status, 'loading');
  await loading;
  t.same(column.status, { status: 'attached', problem: null });
  column.sinceNs = 100;
  ref.emitters[0]!([open(40001, 50)]);
  t.equal(column.log.connections.length, 0, 'from before the learner attached: left out');
  ref.emitters[0]!([open(40002, 150)]);
  t.same(column.clientPorts(), [40002]);
  t.ok(changes.includes(true), 'told of the new events');
});

t.test('a new level replaces the program; a late batch of the old one is ignored; discard stops it all', async (t) => {
  const ref = fakeReference();
  const column = new ExpectedColumn(ref.openReference, () => {});
  await column.load(1);
  await column.load(2);
  t.same(ref.discarded, [1], 'the level 1 program discarded');
  ref.emitters[0]!([open(40003, 1)]);
  t.equal(column.log.connections.length, 0, 'the old program\'s batch does not land');
  column.discard();
  t.same(ref.discarded, [1, 2]);
});

t.test('a reference that cannot be attached says why', async (t) => {
  const ref = fakeReference();
  ref.failNext(new Error('the verifier refused it'));
  const column = new ExpectedColumn(ref.openReference, () => {});
  await column.load(3);
  t.equal(column.status.status, 'failed');
  t.match(column.status.problem, /verifier refused it/);
});
