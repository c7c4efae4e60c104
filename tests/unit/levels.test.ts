import t from 'tap';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { instructionsText, levelOf, loadTrack, packageTracksDir, trackIds } from '../../src/tracks/tracks.js';
import * as tracks from '../../src/tracks/tracks.js';
import { levelSchema } from '../../src/tracks/levelSpec.js';
import { trackSchema } from '../../src/tracks/trackSpec.js';
import { appearsInOrder, codeLines, declaredMaps, definedFunctions, withoutHeader } from '../helpers/trackContent.js';

const track = loadTrack('http', packageTracksDir);
const levels = track.levels;
const cleanFile = track.start;
const solutionFile = track.reference;
const stepFile = (id: number) => levelOf(track, id).step;
const levelById = (id: number) => levelOf(track, id);
const hooksUpTo = (id: number) => tracks.hooksUpTo(track, id);
const mapsUpTo = (id: number) => tracks.mapsUpTo(track, id);
const perfOutputsUpTo = (id: number) => tracks.perfOutputsUpTo(track, id);
/** A copy of the http track in a directory of its own. */
const trackDir = (t: { testdir: () => string }): string => {
  const dir = t.testdir();
  cpSync(track.dir, path.join(dir, 'http'), { recursive: true });
  return dir;
};
const read = (file: string) => readFileSync(file, 'utf8');
const names = (entries: { name: string }[]) => entries.map((e) => e.name).sort();

/** Hook functions a C file defines, by the names BCC looks for. */
const definedHooks = (source: string) => definedFunctions(source, /^syscall__probe_(?:entry|ret)_\w+$/);

t.test('the manifest loads, validates, and numbers the levels 0 to 4', async (t) => {
  t.same(
    levels.map((l) => l.id),
    [0, 1, 2, 3, 4],
  );
  t.equal(levelById(3).title, levels[3].title);
  t.throws(() => levelById(5), /There is no level 5: the levels are 0 to 4/);
});

t.test('every level has hints, instructions and a step file', async (t) => {
  for (const level of levels) {
    t.ok(level.hints.length >= 3, `level ${level.id} has at least 3 hints`);
    t.ok(existsSync(level.instructions), `level ${level.id}: ${level.instructions} exists`);
    t.ok(existsSync(stepFile(level.id)), `level ${level.id}: its step file exists`);
    const text = instructionsText(level);
    t.match(text, new RegExp(`^# Level ${level.id} `), `level ${level.id}'s instructions open with its title`);
    t.ok(text.includes(`sudo npx ebpf-workshop check --level ${level.id}`), `level ${level.id} says how to check it`);
    t.match(text, /tracepoints/, `level ${level.id} mentions the tracepoint fallback`);
  }
  t.ok(instructionsText(levels[1]).includes(`curl -4 -X POST localhost:8080/customResponse -d '{"size": 20}'`));
});

t.test('hooks accumulate: every level keeps the hooks of the levels before it', async (t) => {
  for (const level of levels.slice(0, -1)) {
    const next = names(hooksUpTo(level.id + 1));
    for (const hook of level.spec.hooks) t.ok(next.includes(hook.name), `${hook.name} is still there in level ${level.id + 1}`);
    for (const hook of hooksUpTo(level.id)) t.ok(next.includes(hook.name));
  }
  t.same(names(hooksUpTo(0)), ['syscall__probe_entry_accept4', 'syscall__probe_ret_accept4']);
  t.equal(hooksUpTo(1).length, 2, 'level 1 changes a hook but adds none');
  t.same(
    names(hooksUpTo(4)),
    ['accept4', 'read', 'write', 'close'].flatMap((s) => [`syscall__probe_entry_${s}`, `syscall__probe_ret_${s}`]).sort(),
  );
});

t.test('the level specs hold the sizes BCC reports and the events each level captures', async (t) => {
  const sizes = Object.fromEntries(mapsUpTo(4).map((m) => [m.name, [m.kind, m.keySize, m.valueSize]]));
  t.same(sizes.active_accept_args_map, ['hash', 8, 8]);
  t.same(sizes.active_read_args_map, ['hash', 8, 16]);
  t.same(sizes.active_write_args_map, ['hash', 8, 16]);
  t.same(sizes.active_close_args_map, ['hash', 8, 4]);
  t.same(names(perfOutputsUpTo(4)), ['socket_close_events', 'socket_data_events', 'socket_open_events']);
  t.equal(levels[0].spec.expectedEvents.attach, false, 'level 0 only loads');
  const captured = levels.map((l) =>
    (['open', 'ingress', 'egress', 'close', 'exchange'] as const).filter((k) => l.spec.expectedEvents[k]),
  );
  t.same(captured, [[], ['open'], ['open', 'ingress'], ['open', 'ingress', 'egress'], ['open', 'ingress', 'egress', 'close', 'exchange']]);
});

t.test('clean.c is the start: includes, no hooks, no maps', async (t) => {
  const clean = read(cleanFile);
  t.notMatch(clean, /syscall__probe_/);
  t.notMatch(clean, /BPF_(HASH|PERF_OUTPUT)/);
  t.match(clean, /sudo npx ebpf-workshop start/);
  t.match(clean, /#include <uapi\/linux\/ptrace\.h>/);
});

t.test('each step file is clean.c plus exactly the hooks and maps of its level', async (t) => {
  const clean = read(cleanFile);
  for (const level of levels) {
    const source = read(stepFile(level.id));
    // The last level's file is the reference, with its own header comment.
    if (level.step === track.reference) t.ok(withoutHeader(source).startsWith(withoutHeader(clean)), `${path.basename(level.step)} grows from clean.c`);
    else t.ok(source.startsWith(clean), `level-${level.id}.c grows from clean.c`);
    t.same(definedHooks(source), names(hooksUpTo(level.id)), `level-${level.id}.c defines the hooks of levels ≤ ${level.id}`);
    t.same(declaredMaps(source), names(mapsUpTo(level.id)), `level-${level.id}.c declares the maps of levels ≤ ${level.id}`);
    for (const output of perfOutputsUpTo(level.id)) {
      const body = new RegExp(`struct ${output.struct} \\{([^}]*)\\}`).exec(source)?.[1];
      t.ok(body, `level-${level.id}.c defines struct ${output.struct}`);
      for (const field of output.requiredFields) t.match(body ?? '', new RegExp(`\\b${field}\\b`), `${output.struct} has ${field}`);
    }
  }
});

t.test('the file only grows: the code of each level is kept in the next, in order', async (t) => {
  for (const level of levels.slice(0, -1)) {
    const now = codeLines(read(stepFile(level.id)));
    const next = codeLines(read(stepFile(level.id + 1)));
    t.ok(appearsInOrder(now, next), `level-${level.id + 1}.c keeps the code of level-${level.id}.c`);
  }
});

t.test('solution.c is the last level\'s file: one source, not a copy', async (t) => {
  t.equal(stepFile(levels.length - 1), solutionFile);
  t.equal(withoutHeader(read(solutionFile)), withoutHeader(read(stepFile(4))));
  t.equal(path.relative(process.cwd(), solutionFile), 'solution.c', 'the http track\'s reference is solution.c at the root');
});

t.test('the code the instructions and hints show is the code of the step file', async (t) => {
  for (const level of levels) {
    const file = codeLines(read(stepFile(level.id)));
    const blocks = [...instructionsText(level).matchAll(/```c\n([\s\S]*?)```/g)].map((m) => m[1]);
    t.ok(blocks.length >= 1, `level ${level.id}'s instructions show code`);
    for (const [i, block] of blocks.entries()) {
      t.ok(appearsInOrder(codeLines(block), file), `level ${level.id}, code block ${i + 1} is in level-${level.id}.c`);
    }
    const exact = level.hints.filter((h) => /exactly:\n/.test(h));
    t.ok(exact.length >= 1, `level ${level.id} ends its hints with the exact code`);
    for (const hint of exact) {
      t.ok(appearsInOrder(codeLines(hint.slice(hint.indexOf('\n') + 1)), file), `level ${level.id}: "${hint.split('\n')[0]}" matches`);
    }
  }
});

t.test('the schema rejects what would mislead a check', async (t) => {
  const good = JSON.parse(read(path.join(track.dir, 'track.json')));
  const level0 = good.levels[0];
  const misnamed = structuredClone(level0);
  misnamed.spec.hooks[0].name = 'syscall__probe_accept4';
  t.match(levelSchema.safeParse(misnamed).error?.issues[0], {
    path: ['spec', 'hooks', 0, 'name'],
    message: /must be named syscall__probe_entry_accept4/,
  });

  const fewHints = { ...level0, hints: level0.hints.slice(0, 2) };
  t.match(levelSchema.safeParse(fewHints).error?.issues[0], { path: ['hints'], message: /at least 3 hints/ });

  const outputWithoutMap = structuredClone(good.levels[1]);
  outputWithoutMap.spec.maps = [];
  t.match(levelSchema.safeParse(outputWithoutMap).error?.issues[0], { path: ['spec', 'perfOutputs', 0, 'name'] });

  const eventsWithoutAttach = structuredClone(level0);
  eventsWithoutAttach.spec.expectedEvents = { attach: false, open: true };
  t.equal(levelSchema.safeParse(eventsWithoutAttach).success, false);

  const typo = structuredClone(level0);
  typo.spec.maps[0].valuesize = 8;
  t.equal(levelSchema.safeParse(typo).success, false, 'unknown keys are errors, not ignored');

  const reordered = { ...good, levels: [good.levels[1], good.levels[0]] };
  t.match(trackSchema.safeParse(reordered).error?.issues[0], { path: ['levels', 0, 'id'] });

  const twice = structuredClone(good);
  twice.levels[3].spec.maps.push(twice.levels[2].spec.maps[0]);
  t.match(trackSchema.safeParse(twice).error?.issues[0], { message: /already introduced by level 2/ });

  const undeclaredOutput = structuredClone(good);
  undeclaredOutput.events.outputs = undeclaredOutput.events.outputs.filter((o: { name: string }) => o.name !== 'socket_close_events');
  t.match(trackSchema.safeParse(undeclaredOutput).error?.issues[0], { message: /socket_close_events is not one of the track's event outputs/ });

  const uprobe = structuredClone(level0);
  uprobe.spec.hooks = [{ name: 'probe_entry_SSL_write', kind: 'uprobe', library: 'ssl', symbol: 'SSL_write', return: false }];
  t.equal(levelSchema.safeParse(uprobe).success, true, 'a hook may be a uprobe on a library function');
});

t.test('a broken manifest is a clear error naming the file and the field', async (t) => {
  const dir = trackDir(t);
  const manifest = path.join(dir, 'http', 'track.json');
  const data = JSON.parse(read(manifest));
  data.levels[2].spec.maps[0].keySize = 'eight';
  writeFileSync(manifest, JSON.stringify(data));
  t.throws(() => loadTrack('http', dir), {
    name: 'WorkshopError',
    code: 'TRACK_INVALID',
    message: new RegExp(`${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid:\\n  levels\\[2\\]\\.spec\\.maps\\[0\\]\\.keySize: `),
  });
});

t.test('a manifest that is not JSON is a clear error', async (t) => {
  const dir = trackDir(t);
  writeFileSync(path.join(dir, 'http', 'track.json'), '{ "levels": [');
  t.throws(() => loadTrack('http', dir), { name: 'WorkshopError', code: 'TRACK_INVALID', message: /track\.json is broken: it is not valid JSON/ });
});

t.test('an unknown track or level is a usage error naming what there is', async (t) => {
  t.same(trackIds(packageTracksDir).includes('http'), true);
  t.throws(() => loadTrack('nope', packageTracksDir), { name: 'WorkshopError', code: 'TRACK_UNKNOWN', message: /There is no track "nope": the tracks are .*http/ });
  t.throws(() => levelOf(track, 9), { name: 'WorkshopError', code: 'LEVEL_OUT_OF_RANGE', message: /There is no level 9: the levels are 0 to 4/ });
});
