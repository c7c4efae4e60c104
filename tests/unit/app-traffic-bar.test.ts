// The traffic bar at 120 and 80 columns, on both tracks: every part whole (the server's URL,
// the TLS wire figure, the requests and the auto state, a failure and its reason, lost
// events), never cut at the edge; one line when it fits, the pid dropped first, then whole
// parts on further lines — and the layout gives those lines their rows.
import t from 'tap';
import { trafficBarLines, type TrafficState } from '../../src/app/trafficBar.js';
import { workshopLayout } from '../../src/app/layout.js';

const text = (lines: { text: string }[][]) => lines.map((line) => line.map((s) => s.text).join(''));

const http: TrafficState = { server: { url: 'http://127.0.0.1:8081', pid: 32754, wire: null }, auto: false, size: 50, sent: 1, failed: 0, lastError: null, lost: 0 };
const tls: TrafficState = { ...http, server: { url: 'https://127.0.0.1:8443', pid: 31895, wire: 'wire: 1,591 B of TLS records' }, auto: true, size: 5000, sent: 128 };

const wholeParts = (state: TrafficState) =>
  [
    state.server!.url,
    state.server!.wire,
    `requests: ${state.sent} sent, size ${state.size}, ${state.auto ? 'auto every 2 s' : 'auto off'}`,
    state.failed ? `${state.failed} failed: ${state.lastError}` : null,
    state.lost ? `${state.lost} events lost` : null,
  ].filter((p): p is string => Boolean(p));

for (const [name, state] of [
  ['http', http],
  ['http, auto on, many sent', { ...http, auto: true, sent: 12345, size: 5000 }],
  ['tls', tls],
  ['tls, a failure and lost events', { ...tls, failed: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:8443', lost: 17 }],
] as const) {
  for (const columns of [120, 80]) {
    t.test(`${name} at ${columns} columns: every part whole, no line past the edge`, async (t) => {
      const lines = text(trafficBarLines(state, columns));
      for (const line of lines) t.ok(line.length <= columns, `${line.length} ≤ ${columns}: ${line}`);
      for (const part of wholeParts(state)) t.ok(lines.some((line) => line.includes(part)), `whole on one line: ${part}`);
    });
  }
}

t.test('one line while it fits: with the pid at 120, without it when that makes it fit', async (t) => {
  t.same(text(trafficBarLines(tls, 120)), ['server https://127.0.0.1:8443 (pid 31895)  wire: 1,591 B of TLS records  requests: 128 sent, size 5000, auto every 2 s']);
  t.same(text(trafficBarLines({ ...http, auto: true }, 80)), ['server http://127.0.0.1:8081  requests: 1 sent, size 50, auto every 2 s']);
});

t.test('the TLS bar at 80 columns: two lines, the wire figure with the server', async (t) => {
  t.same(text(trafficBarLines(tls, 80)), ['server https://127.0.0.1:8443  wire: 1,591 B of TLS records', 'requests: 128 sent, size 5000, auto every 2 s']);
});

t.test('a reason longer than the line wraps by words, whole', async (t) => {
  const lastError = 'the demo server closed the connection before answering: it may have been restarted, or it refused the request at its connection cap';
  const lines = text(trafficBarLines({ ...http, failed: 1, lastError }, 80));
  t.ok(lines.every((l) => l.length <= 80), 'within the width');
  t.equal(lines.slice(1).join(' ').replace(/\s+/g, ' '), `1 failed: ${lastError}`, 'the whole reason, over the lines after the first');
});

t.test('no server: one line saying so', async (t) => {
  t.same(text(trafficBarLines({ ...http, server: null }, 80)), ['demo server not running']);
});

t.test('the layout gives the bar its rows (up to 3) out of the top band', async (t) => {
  const one = workshopLayout(80, 24, { mainWanted: 100 });
  const two = workshopLayout(80, 24, { mainWanted: 100, traffic: 2 });
  t.equal(one.traffic, 1);
  t.equal(two.traffic, 2);
  t.equal(two.top + two.main + two.footer + two.traffic + 3, two.height, 'every row accounted for');
  t.equal(one.top + one.main - (two.top + two.main), 1, 'the second line comes out of the bands above');
  t.equal(workshopLayout(80, 24, { mainWanted: 100, traffic: 9 }).traffic, 3, 'at most 3');
});
