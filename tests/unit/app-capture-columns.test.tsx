/** @jsxRuntime automatic */
/** @jsxImportSource react */
import t from 'tap';
import { render } from 'ink-testing-library';
import type { CaptureEvent } from '../../src/capture/events.js';
import { CaptureColumns } from '../../src/app/components/CaptureColumns.js';
import { diffCaptures } from '../../src/app/captureDiff.js';
import { eventLines, timelineLines } from '../../src/app/captureLines.js';
import { ConnectionLog } from '../../src/app/connectionLog.js';
import { setColorEnabled } from '../../src/app/theme.js';

setColorEnabled(false);
const PID = 9;
const REQUEST = 'POST /customResponse HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n{"size": 50}';
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{"answer":1}';
const open = (port: number, ns: number): CaptureEvent => ({ type: 'open', timestampNs: ns, pid: PID, fd: 4, client: { family: 'ipv4', address: '127.0.0.1', port } });
const data = (direction: 'ingress' | 'egress', text: string, ns: number, keep = text.length): CaptureEvent => ({
  type: 'data', timestampNs: ns, pid: PID, fd: 4, direction, size: text.length, payload: Buffer.from(text.slice(0, keep)),
});
const close = (ns: number): CaptureEvent => ({ type: 'close', timestampNs: ns, pid: PID, fd: 4 });
const whole = (port: number, t0: number) => [open(port, t0), data('ingress', REQUEST, t0 + 1), data('egress', RESPONSE, t0 + 2), close(t0 + 3)];

function logOf(events: CaptureEvent[]): ConnectionLog {
  const log = new ConnectionLog();
  log.add(events, 0);
  return log;
}

function columns(learner: CaptureEvent[], expected: CaptureEvent[], timeline: boolean, height = 12) {
  // As the screen model lays them out: 100 columns give each side (100 - 3) / 2.
  const rows = diffCaptures(logOf(learner).connections, logOf(expected).connections, { now: 60_000 });
  const lines = timeline ? timelineLines(rows, 48) : eventLines(rows, 48);
  return render(
    <CaptureColumns
      lines={lines}
      width={100}
      height={height}
      learnerState="(clean.c)"
      expectedState="(solution.c)"
      empty="no traffic yet"
    />,
  );
}

/** Splits each line of the frame at the column separator. */
function sides(frame: string) {
  return frame.split('\n').slice(2).map((line) => {
    // An empty right side leaves the line ending in " │".
    const at = line.search(/ │( |$)/);
    return at < 0 ? { left: line.trim(), right: '' } : { left: line.slice(0, at).trim(), right: line.slice(at + 3).trim() };
  });
}

t.test('headed Your sniffer and Expected; the same capture reads the same on both sides', async (t) => {
  const events = whole(40001, 100);
  const { lastFrame, unmount } = columns(events, events, false);
  const frame = lastFrame()!;
  t.match(frame.split('\n')[0], /^Your sniffer \(clean\.c\)\s+│ Expected \(solution\.c\)/);
  const rows = sides(frame).filter((r) => r.left || r.right);
  t.equal(rows.length, 4);
  for (const row of rows) t.equal(row.left, row.right);
  t.match(rows[0]!.left, /^open {2}127\.0\.0\.1:40001 {2}fd 4/);
  t.match(rows[1]!.left, /^in {3}POST \/customResponse/);
  t.match(rows[2]!.left, /^out {2}HTTP\/1\.1 200 OK/);
  t.match(rows[3]!.left, /^close fd 4/);
  unmount();
});

t.test('differences stand out: a missing close, a wrong direction, a truncated payload', async (t) => {
  const expected = whole(40001, 100);
  const learner = [open(40001, 100), data('ingress', REQUEST, 101, 10), data('ingress', RESPONSE, 102)];
  const { lastFrame, unmount } = columns(learner, expected, false);
  const rows = sides(lastFrame()!).filter((r) => r.left || r.right);
  t.match(rows[1]!.left, /^✂ 10 of \d+ B: in/);
  t.match(rows[2]!.left, /^⇄ should be out: in {3}HTTP\/1\.1 200/);
  t.match(rows[3]!.left, /^✗ no close event/);
  t.match(rows[3]!.right, /^close fd 4/);
  unmount();
});

t.test('level 4: a timeline per connection with the missing stage flagged, then the payloads', async (t) => {
  const expected = whole(40001, 100);
  const learner = expected.slice(0, 3);
  const { lastFrame, unmount } = columns(learner, expected, true);
  const rows = sides(lastFrame()!).filter((r) => r.left || r.right);
  t.match(rows[0]!.left, /fd 4 {2}open → request → response → ✗close/);
  t.match(rows[0]!.right, /fd 4 {2}open → request → response → close/);
  t.match(rows[1]!.left, /in {3}POST \/customResponse/);
  t.match(rows[1]!.right, /in {3}POST \/customResponse/);
  t.match(rows[2]!.left, /out {2}HTTP\/1\.1 200/);
  unmount();
});

t.test('level 4: a connection only the learner captured shows its own timeline, said to be not in Expected', async (t) => {
  const { lastFrame, unmount } = columns(whole(40001, 100), [], true);
  const rows = sides(lastFrame()!).filter((r) => r.left || r.right);
  t.match(rows[0]!.left, /^fd 4 {2}\(not in Expected\)$/, 'at 48 columns: no room for the timeline beside the note');
  const wide = timelineLines(diffCaptures(logOf(whole(40001, 100)).connections, [], { now: 60_000 }), 70)[0]!;
  t.equal(wide.left.map((s) => s.text).join(''), 'fd 4  open → request → response → close  (not in Expected)', 'at 70: both');
  t.equal(rows[0]!.right, '');
  t.match(rows[1]!.left, /in {3}POST \/customResponse/, 'and its payloads');
  unmount();
});

t.test('only the newest lines that fit are shown; nothing yet shows the empty message', async (t) => {
  const many = Array.from({ length: 10 }, (_, i) => whole(40000 + i, 1000 * i)).flat();
  const { lastFrame, unmount } = columns(many, many, false, 6);
  const frame = lastFrame()!;
  t.equal(frame.split('\n').length, 6);
  t.match(frame, /close fd 4/);
  t.notMatch(frame, /40000/, 'the oldest connection scrolled away');
  unmount();
  const empty = columns([], [], false);
  t.match(empty.lastFrame()!, /no traffic yet/);
  empty.unmount();
});
