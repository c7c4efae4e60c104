// How the hooks attach, as the header, check, run and doctor say it: the attach mode
// (tracepoint or kprobe) decides how syscall hooks attach and nothing else, so a track of
// uprobes only is "uprobes on libssl" whatever the mode.
import t from 'tap';
import { attachDescription, loadTrack, packageTracksDir } from '../../src/tracks/tracks.js';
import type { Level } from '../../src/tracks/levelSpec.js';
import { formatReport } from '../../src/report/formatReport.js';

const tls = loadTrack('tls', packageTracksDir);
const http = loadTrack('http', packageTracksDir);
const last = (levels: Level[]) => levels.length - 1;

t.test('the TLS track: uprobes on libssl at every level, in either mode', async (t) => {
  for (const mode of ['tracepoint', 'kprobe'] as const) {
    for (const level of tls.levels) t.equal(attachDescription(tls.levels, level.id, mode), 'uprobes on libssl', `level ${level.id}, ${mode}`);
  }
});

t.test('the HTTP track: the syscall hooks\' attach mode', async (t) => {
  t.equal(attachDescription(http.levels, last(http.levels), 'tracepoint'), 'tracepoint mode');
  t.equal(attachDescription(http.levels, 0, 'kprobe'), 'kprobe mode');
});

t.test('a track mixing syscall hooks and uprobes keeps its mode and names the libraries', async (t) => {
  const mixed = [http.levels[0]!, { ...tls.levels[0]!, id: 1 }];
  t.equal(attachDescription(mixed, 0, 'tracepoint'), 'tracepoint mode', 'before the uprobes come in');
  t.equal(attachDescription(mixed, 1, 'tracepoint'), 'tracepoint mode + uprobes on libssl');
});

t.test("check's first line says it the same way", async (t) => {
  const report = { level: 1, file: 'clean.c', passed: true, attachMode: 'tracepoint' as const, checks: [], capture: { events: { open: 0, ingress: 0, egress: 0, close: 0 }, exchanges: [] } };
  const text = formatReport(report, { color: false, attach: attachDescription(tls.levels, 1, report.attachMode) });
  t.equal(text.split('\n')[0], 'clean.c: level 1, uprobes on libssl');
  t.equal(formatReport(report, { color: false }).split('\n')[0], 'clean.c: level 1, tracepoint mode', 'without a track: the attach mode');
});
