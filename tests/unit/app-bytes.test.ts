// The bytes, whole: a capture row opened shows the learner's payload and the expected one
// entire, control bytes visible, CRLF as line ends, the first difference marked.
import t from 'tap';
import type { CaptureEvent } from '../../src/capture/events.js';
import { eventLine } from '../../src/capture/format.js';
import { firstDifference, glyphs, position, visibleLines } from '../../src/capture/visibleBytes.js';
import { captureDetail } from '../../src/app/captureDetail.js';
import { diffCaptures } from '../../src/app/captureDiff.js';
import type { Segment } from '../../src/app/captureLines.js';
import { ConnectionLog } from '../../src/app/connectionLog.js';
import { payloadLines } from '../../src/app/payloadView.js';

const REQUEST = 'POST /customResponse HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 12\r\n\r\n{"size": 50}';
const RESPONSE = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"answer": "${'a'.repeat(120)}"}`;
const text = (line: Segment[]) => line.map((s) => s.text).join('');

const events = (request: string, response: string, keep = response.length): CaptureEvent[] => [
  { type: 'open', timestampNs: 1, pid: 9, fd: 4, client: { family: 'ipv4', address: '127.0.0.1', port: 40001 } },
  { type: 'data', timestampNs: 2, pid: 9, fd: 4, direction: 'ingress', size: request.length, payload: Buffer.from(request) },
  { type: 'data', timestampNs: 3, pid: 9, fd: 4, direction: 'egress', size: keep, payload: Buffer.from(response.slice(0, keep)) },
  { type: 'close', timestampNs: 4, pid: 9, fd: 4 },
];

function row(learner: CaptureEvent[], expected: CaptureEvent[]) {
  const l = new ConnectionLog();
  const e = new ConnectionLog();
  l.add(learner, 0);
  e.add(expected, 0);
  return diffCaptures(l.connections, e.connections, { now: 60_000 })[0]!;
}

t.test('glyphs: CRLF a line end, control and non-ASCII bytes escaped, nothing raw', async (t) => {
  t.same(visibleLines(Buffer.from('GET / HTTP/1.1\r\nX: \x1b[2J\tz\r\n\r\nbody\nend\x00\xe9', 'latin1')), ['GET / HTTP/1.1⏎', 'X: \\x1b[2J\\tz⏎', '⏎', 'body␊', 'end\\0\\xe9']);
  t.notOk(glyphs(Buffer.from(Array.from({ length: 256 }, (_, i) => i))).some((g) => /[\x00-\x1f\x7f-\x9f]/.test(g.text)), 'no byte reaches the terminal raw');
  t.equal(firstDifference(Buffer.from('abc'), Buffer.from('abc')), -1);
  t.equal(firstDifference(Buffer.from('abc'), Buffer.from('abd')), 2);
  t.equal(firstDifference(Buffer.from('ab'), Buffer.from('abc')), 2, 'a prefix differs where it stops');
  t.same(position(Buffer.from('ab\r\ncd'), 5), { line: 2, column: 2 });
});

t.test('run --verbose prints the whole payload, one line of it per line of the message', async (t) => {
  const [, request] = events(REQUEST, RESPONSE);
  const printed = eventLine(request!).split('\n');
  t.match(printed[0], /^\[in\] +pid 9 fd 4 {2}\d+ bytes$/);
  t.same(printed.slice(1).map((l) => l.trim()), ['POST /customResponse HTTP/1.1⏎', 'Host: 127.0.0.1:8080⏎', 'Content-Length: 12⏎', '⏎', '{"size": 50}']);
});

t.test('a long payload wraps, whole; the marked byte stands out', async (t) => {
  const lines = payloadLines(Buffer.from(RESPONSE), 40, 20);
  t.ok(lines.every((l) => text(l).length <= 40), 'no line wider than the view');
  t.equal(lines.map(text).join('').replace(/⏎/g, '\r\n'), RESPONSE, 'every byte is there');
  t.ok(lines.flat().some((s) => s.inverse && s.tone === 'bad'), 'the difference is marked');
  t.match(text(payloadLines(Buffer.from('ab'), 40, 2).at(-1)!), /ab∎$/, 'where one side stops short, its end is marked');
});

t.test('the same bytes on both sides: shown once, whole', async (t) => {
  const detail = captureDetail(row(events(REQUEST, RESPONSE), events(REQUEST, RESPONSE)), 80);
  const all = detail.lines.map(text);
  t.ok(all.includes('{"size": 50}'), 'the request body');
  t.ok(all.some((l) => l.includes('"answer"')), 'the response body');
  t.equal(all.filter((l) => l.includes('{"size": 50}')).length, 1, 'once, not twice');
  t.equal(detail.sections.length, 4, 'open, request, response, close');
  t.match(all[detail.sections[1]!], /in: the request/);
});

t.test('cut short: beside each other on a wide screen, above each other on a narrow one, the first difference named', async (t) => {
  const cut = row(events(REQUEST, RESPONSE, 60), events(REQUEST, RESPONSE));
  const wide = captureDetail(cut, 120).lines.map(text);
  t.ok(wide.some((l) => /first difference at byte 60 \(line 4, column 10\): yours stops after 60 of \d+ B/.test(l)), 'the first difference, where it is');
  t.ok(wide.some((l) => /^yours: 60 B +│ expected: \d+ B$/.test(l)), 'side by side');
  t.ok(wide.every((l) => l.length <= 120));
  const narrow = captureDetail(cut, 60).lines.map(text);
  const yours = narrow.findIndex((l) => l.startsWith('yours: 60 B'));
  const expected = narrow.findIndex((l) => /^expected: \d+ B/.test(l));
  t.ok(yours >= 0 && expected > yours, 'one above the other');
  t.ok(narrow.every((l) => l.length <= 60));
  t.ok(narrow.slice(expected).join('').includes('a'.repeat(40)), 'the expected response, whole');
});
