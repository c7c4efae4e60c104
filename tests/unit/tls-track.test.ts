// The TLS track's content: the original series' names kept exactly (hooks, maps, the event
// struct, the pid array), each level's step file growing from the start into the reference,
// and every piece of code the instructions and the exact hints show being code of the step
// file, in order.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hooksUpTo, instructionsText, loadTrack, mapsUpTo, packageTracksDir, perfOutputsUpTo } from '../../src/tracks/tracks.js';
import { appearsInOrder, cCodeBlocks, codeLines, declaredMaps, definedFunctions, exactHintCode, withoutHeader } from '../helpers/trackContent.js';

const track = loadTrack('tls', packageTracksDir);
const read = (file: string) => readFileSync(file, 'utf8');
const names = (entries: { name: string }[]) => entries.map((e) => e.name).sort();
const definedHooks = (source: string) => definedFunctions(source, /^probe_(?:entry|ret)_\w+$/);
const maps = (source: string) => declaredMaps(source, ['HASH', 'PERF_OUTPUT', 'PERCPU_ARRAY']);
const reference = read(track.reference);
const last = track.levels.length - 1;

t.test('the hooks are the original series\', on the OpenSSL functions they name', async (t) => {
  const functions = ['SSL_write', 'SSL_read', 'SSL_write_ex', 'SSL_read_ex'];
  const expected = functions.flatMap((f) => [
    { name: `probe_entry_${f.toLowerCase()}`, kind: 'uprobe', library: 'ssl', symbol: f, return: false },
    { name: `probe_ret_${f.toLowerCase()}`, kind: 'uprobe', library: 'ssl', symbol: f, return: true },
  ]);
  t.same(
    hooksUpTo(track, last).slice().sort((a, b) => a.name.localeCompare(b.name)),
    expected.sort((a, b) => a.name.localeCompare(b.name)),
  );
  for (const hook of expected) t.match(reference, new RegExp(`^int ${hook.name}\\(struct pt_regs\\* ctx\\) \\{$`, 'm'), `${hook.name}(struct pt_regs* ctx)`);
  t.same(hooksUpTo(track, 0).map((h) => h.name), ['probe_entry_ssl_write', 'probe_ret_ssl_write'], 'level 0 starts with SSL_write');
});

t.test('the maps, the perf output and the event are the original series\'', async (t) => {
  const shapes = Object.fromEntries(mapsUpTo(track, last).map((m) => [m.name, [m.kind, m.keySize, m.valueSize]]));
  t.same(shapes, {
    tls_write_args_map: ['hash', 8, 8],
    tls_read_args_map: ['hash', 8, 8],
    tls_write_ex_args_map: ['hash', 8, 16],
    tls_read_ex_args_map: ['hash', 8, 16],
    data_events: ['perf_event_array', undefined, undefined],
    pid: ['percpu_array', 4, 4],
  });
  t.same(perfOutputsUpTo(track, last), [{ name: 'data_events', struct: 'data_event_t', requiredFields: ['timestamp_ns', 'pid', 'direction', 'msg'] }]);
  t.same(track.events, { key: 'process', outputs: [{ name: 'data_events', event: 'data', size: 'nul' }] }, 'no msg_size: a message ends at its first NUL');

  const struct = /struct data_event_t \{([^}]*)\}/.exec(reference)?.[1] ?? '';
  t.same(codeLines(struct), ['uint64_t timestamp_ns;', 'uint32_t pid;', 'enum traffic_direction_t direction;', 'char msg[MAX_SIZE];']);
  t.match(reference, /^#define MAX_SIZE 400$/m);
  t.same(codeLines(/enum traffic_direction_t \{([^}]*)\}/.exec(reference)?.[1] ?? ''), ['kEgress,', 'kIngress,'], 'kEgress = 0, kIngress = 1');
  t.match(reference, /^BPF_PERCPU_ARRAY\(pid, int, 1\);$/m);
});

t.test('the _ex hooks read the count through the fourth argument; the others take the return value', async (t) => {
  for (const f of ['write_ex', 'read_ex']) {
    const entry = new RegExp(`int probe_entry_ssl_${f}\\(struct pt_regs\\* ctx\\) \\{([\\s\\S]*?)\\n\\}`).exec(reference)?.[1] ?? '';
    t.match(entry, /PT_REGS_PARM2\(ctx\)[\s\S]*PT_REGS_PARM4\(ctx\)/, `probe_entry_ssl_${f} saves buf and the count's address`);
    const ret = new RegExp(`int probe_ret_ssl_${f}\\(struct pt_regs\\* ctx\\) \\{([\\s\\S]*?)\\n\\}`).exec(reference)?.[1] ?? '';
    t.match(ret, /PT_REGS_RC\(ctx\) == 1/, `probe_ret_ssl_${f} takes the return value as success only`);
  }
});

t.test('the levels: each adds a hook or a map, names its instructions and how to check it', async (t) => {
  for (const level of track.levels) {
    t.ok(level.spec.hooks.length + level.spec.maps.length > 0, `level ${level.id} adds something a check can miss`);
    const text = instructionsText(level);
    t.match(text, new RegExp(`^# Level ${level.id} `), `level ${level.id}'s instructions open with its title`);
    t.ok(text.includes(`sudo npx ebpf-workshop check --track tls --level ${level.id}`), `level ${level.id} says how to check it`);
  }
  t.equal(track.levels[0]!.spec.expectedEvents.attach, false, 'level 0 only loads');
  const captured = track.levels.map((l) => (['ingress', 'egress'] as const).filter((k) => l.spec.expectedEvents[k]));
  t.same(captured, [[], ['egress'], ['ingress', 'egress'], ['ingress', 'egress'], ['ingress', 'egress']]);
  t.same(
    track.levels.map((l) => (l.target ?? track.target).server),
    ['demo-https', 'demo-https', 'demo-https', 'python-https', 'python-https'],
    'Python\'s server, which calls the _ex forms, from the level that hooks them',
  );
  t.match(instructionsText(track.levels[1]!), /TLS records/, 'level 1 says what the wire carries');
});

t.test('each step file grows from the start and has exactly the hooks and maps of its levels', async (t) => {
  const start = read(track.start);
  t.same(definedHooks(start), []);
  t.same(maps(start), []);
  for (const level of track.levels) {
    const source = read(level.step);
    const file = path.basename(level.step);
    if (level.step === track.reference) t.ok(withoutHeader(source).startsWith(withoutHeader(start)), `${file} grows from clean.c`);
    else t.ok(source.startsWith(start), `${file} grows from clean.c`);
    t.same(definedHooks(source), names(hooksUpTo(track, level.id)), `${file} defines the hooks of levels ≤ ${level.id}`);
    t.same(maps(source), names(mapsUpTo(track, level.id)), `${file} declares the maps of levels ≤ ${level.id}`);
  }
  t.equal(track.levels[last]!.step, track.reference, 'the last level\'s step is the reference');
  for (const level of track.levels.slice(0, -1)) {
    const next = track.levels[level.id + 1]!;
    t.ok(appearsInOrder(codeLines(read(level.step)), codeLines(read(next.step))), `level ${next.id} keeps the code of level ${level.id}`);
  }
});

t.test('the code the instructions and hints show is the code of the step file', async (t) => {
  for (const level of track.levels) {
    const file = codeLines(read(level.step));
    const blocks = cCodeBlocks(instructionsText(level));
    t.ok(blocks.length >= 1, `level ${level.id}'s instructions show code`);
    blocks.forEach((block, i) => t.ok(appearsInOrder(codeLines(block), file), `level ${level.id}, code block ${i + 1} is in its step file`));
    const exact = level.hints.map((h) => [h, exactHintCode(h)] as const).filter(([, code]) => code !== undefined);
    t.ok(exact.length >= 1, `level ${level.id} ends its hints with the exact code`);
    t.ok(exactHintCode(level.hints.at(-1)!), `level ${level.id}'s last hint is exact code`);
    for (const [hint, code] of exact) t.ok(appearsInOrder(codeLines(code!), file), `level ${level.id}: "${hint.split('\n')[0]}" matches`);
  }
});
