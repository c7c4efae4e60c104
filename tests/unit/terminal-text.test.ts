// Must show (issue 13 item 6): bytes a terminal would obey — ESC, C0 and C1 controls, bidi
// overrides — reach the screen as visible codes, in run's lines and blocks too.
import t from 'tap';
import { colorWanted, terminalSafe, visibleCode } from '../../src/util/terminalText.js';
import { exchangeBlock, eventLine, oneLine } from '../../src/capture/format.js';
import { payloadLines } from '../../src/app/components/DemoItemView.js';

// What an attacker-shaped payload looks like: an OSC that retitles the window, a CSI that
// clears the screen, and the 8-bit CSI (0x9b) that latin1 decoding turns into U+009B.
const osc = '\x1b]0;owned\x07';
const payload = Buffer.concat([Buffer.from(`GET / HTTP/1.1\r\nX: ${osc}\x1b[2J\r\n\r\n`, 'latin1'), Buffer.from([0x9b, 0x32, 0x4a, 0x85])]);

t.test('terminalSafe shows controls as codes', async (t) => {
  t.equal(terminalSafe('a\x1bb'), 'a\\x1bb');
  t.equal(terminalSafe(osc), '\\x1b]0;owned\\x07');
  t.equal(terminalSafe('\x00\x7f'), '\\x00\\x7f');
  t.equal(terminalSafe(Buffer.from([0x80, 0x9b, 0x9f, 0xa0, 0xe9]).toString('latin1')), '\\x80\\x9b\\x9f\u00a0é', 'C1 controls, not the printable latin1 above them');
  t.equal(terminalSafe('x\u202ey\u2028'), 'x\\u202ey\\u2028', 'bidi override and line separator');
  t.equal(terminalSafe('a\nb\tc'), 'a\\x0ab\\x09c', 'newlines and tabs too, by default');
  t.equal(terminalSafe('a\nb\tc', { keepNewlines: true, keepTabs: true }), 'a\nb\tc');
  t.equal(terminalSafe('plain text: {"size": 50} ü ✓'), 'plain text: {"size": 50} ü ✓', 'ordinary text is untouched');
  t.equal(visibleCode('\x1b'), '\\x1b');
});

t.test("run's output and the demo's payload lines carry no raw control byte", async (t) => {
  const rawControl = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
  const line = oneLine(payload, 400);
  t.notMatch(line, rawControl, oneLine.name);
  t.match(line, /X: \\x1b\]0;owned\\x07\\x1b\[2J⏎⏎\\x9b2J\\x85/);
  const event = { type: 'data', direction: 'ingress', pid: 1, tid: 1, fd: 3, size: payload.length, payload, timestampNs: 0n } as const;
  t.notMatch(eventLine(event as never), rawControl, 'eventLine');
  const block = exchangeBlock({ pid: 1, fd: 3, client: null, request: payload, response: Buffer.alloc(0), truncated: false } as never);
  t.notMatch(block, rawControl, 'exchangeBlock');
  t.match(block, /\\x9b2J/);
  for (const text of payloadLines(payload.toString('latin1'))) t.notMatch(text, rawControl, 'payloadLines');
});

t.test("check's report shows the learner's escapes as codes: messages, raw output, the captured line", async (t) => {
  const { formatReport } = await import('../../src/report/formatReport.js');
  const { fail } = await import('../../src/report/checkReport.js');
  const text = formatReport(
    {
      level: 2,
      file: 'clean.c',
      passed: false,
      attachMode: 'tracepoint',
      checks: [fail('compile', 'compiles', `use of undeclared identifier 'x${osc}'`, { code: 'COMPILE_UNDECLARED', hint: `did you mean 'y\x9b2J'?`, raw: `clean.c:3:1: error: ${osc}\n  int x${osc};\n` })],
      capture: { events: { open: 1, ingress: 1, egress: 1, close: 1 }, exchanges: [{ pid: 1, fd: 3, client: null, request: `GET /${osc} HTTP/1.1\r\n`, response: 'HTTP/1.1 200 OK\r\n' }] },
    },
    { color: false, verbose: true },
  );
  t.notMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, 'no raw control byte but line ends');
  t.match(text, /undeclared identifier 'x\\x1b\]0;owned\\x07'/);
  t.match(text, /did you mean 'y\\x9b2J'/);
  t.match(text, /captured, e\.g\.: GET \/\\x1b\]0;owned\\x07 HTTP\/1\.1/);
});

t.test('colour: off when NO_COLOR is set to anything but empty (no-color.org), or on a dumb terminal', async (t) => {
  t.equal(colorWanted({ TERM: 'xterm-256color' }), true);
  t.equal(colorWanted({ TERM: 'xterm-256color', NO_COLOR: '1' }), false);
  t.equal(colorWanted({ TERM: 'xterm-256color', NO_COLOR: '' }), true, 'an empty NO_COLOR asks for nothing');
  t.equal(colorWanted({ TERM: 'dumb' }), false);
});
