// The TLS track's own diagnoses, without a kernel: every step file of the track is clean, and
// each mistake of the TLS broken corpus whose check is a mistake:<hook> is found at its line,
// said as the manifest expects. Variants below cover what the corpus does not: a helper that
// reads PT_REGS_RC itself, the return value used only as a success test, named parameters.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { explainCompileError } from '../../src/diagnose/compileErrors.js';
import { explainHiddenMap, MEMBER_OF_NON_STRUCT } from '../../src/diagnose/hiddenMap.js';
import { findTlsMistakes } from '../../src/diagnose/tlsMistakes.js';
import { CSource } from '../../src/c/cSource.js';
import { applyEdits, type TextEdit } from '../helpers/corpus.js';
import * as tracks from '../../src/tracks/tracks.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');
const track = tracks.loadTrack('tls', tracks.packageTracksDir);

const hooksUpTo = (level: number) => tracks.hooksUpTo(track, level);
const allHooks = hooksUpTo(track.levels.length - 1);
const mistakesIn = (text: string, hooks = allHooks) => findTlsMistakes(new CSource(text), hooks);

interface CorpusEntry {
  file: string;
  from: string;
  level: number;
  mistake: string;
  edits: TextEdit[];
  check: string;
  line: number | null;
  pattern: string;
}
const corpus = JSON.parse(read('tests/fixtures/tls-broken-corpus/manifest.json')) as { files: CorpusEntry[] };

t.test('the reference and every step file have no TLS mistake', async (t) => {
  t.same(mistakesIn(readFileSync(track.reference, 'utf8')), []);
  track.levels.forEach((l, level) => t.same(mistakesIn(readFileSync(l.step, 'utf8'), hooksUpTo(level)), [], path.basename(l.step)));
});

for (const entry of corpus.files.filter((e) => e.check.startsWith('mistake:'))) {
  t.test(`${entry.file}: ${entry.mistake}`, async (t) => {
    const text = applyEdits(read(entry.from), entry.edits, entry.file, entry.from);
    const found = mistakesIn(text, hooksUpTo(entry.level));
    t.equal(found.length, 1, 'one mistake');
    const [mistake] = found;
    t.equal(`mistake:${mistake?.hook}`, entry.check);
    t.equal(mistake?.line, entry.line, `at line ${entry.line}`);
    t.match(`${mistake?.message}\n${mistake?.hint}`, new RegExp(entry.pattern));
  });
}

const reference = read('levels/tls/solution.c');
const edit = (edits: TextEdit[]) => applyEdits(reference, edits, 'variant', 'levels/tls/solution.c');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

t.test('a helper that takes the count from PT_REGS_RC itself is found from the _ex hook that calls it', async (t) => {
  // The HTTP track's habit: process_data reads the return value as the count.
  const text = edit([
    { find: '                                size_t bytes_count) {\n', replace: '                                size_t unused) {\n  size_t bytes_count = PT_REGS_RC(ctx);\n' },
  ]);
  const found = mistakesIn(text);
  t.same(
    found.map((m) => [m.code, m.hook]),
    [['HOOK_RETURN_VALUE_AS_COUNT', 'probe_ret_ssl_write_ex'], ['HOOK_RETURN_VALUE_AS_COUNT', 'probe_ret_ssl_read_ex']],
    'the _ex hooks, not SSL_read and SSL_write, whose return value is the count',
  );
  t.equal(found[0]?.line, lineOf(text, 'process_data(ctx, id, kEgress, write_args->buf, ex_bytes_count(write_args));'), 'at the call in the hook');
});

t.test('the return value used as a success test, or kept but never copied by, is not a count', async (t) => {
  const guarded = edit([
    {
      find: '    if (PT_REGS_RC(ctx) == 1) {\n      process_data(ctx, id, kIngress',
      replace: '    int ok = PT_REGS_RC(ctx);\n    if (ok != 1) {\n      return 0;\n    }\n    if (ok == 1) {\n      process_data(ctx, id, kIngress',
    },
  ]);
  t.same(mistakesIn(guarded), []);
});

t.test('hooks that name their parameters instead of PT_REGS_PARM are not judged on them', async (t) => {
  const named = edit([
    { find: 'int probe_entry_ssl_write(struct pt_regs* ctx) {', replace: 'int probe_entry_ssl_write(struct pt_regs* ctx, void* ssl, const char* buf, int num) {' },
    { find: 'write_args.buf = (const char*)PT_REGS_PARM2(ctx);\n  tls_write_args_map', replace: 'write_args.buf = buf;\n  tls_write_args_map' },
  ]);
  t.same(mistakesIn(named), []);
});

t.test('a mistake in a hook the level does not have yet is not reported', async (t) => {
  const text = edit([{ find: 'read_args.count = (size_t*)PT_REGS_PARM4(ctx);', replace: 'read_args.count = (size_t*)PT_REGS_PARM3(ctx);' }]);
  t.equal(mistakesIn(text).length, 1);
  t.same(mistakesIn(text, hooksUpTo(2)), [], 'level 2 has no _ex hooks');
});

t.test('a local variable named like the map pid: the compile error says the variable hides the map', async (t) => {
  const entry = corpus.files.find((e) => e.file === 'pid-local-hides-map.c')!;
  const text = applyEdits(read(entry.from), entry.edits, entry.file, entry.from);
  const line = entry.line!;
  // As clang reports it: the column of the `.` after pid.
  const column = text.split('\n')[line - 1]!.indexOf('pid.lookup') + 'pid'.length + 1;
  const message = "member reference base type 'uint32_t' (aka 'unsigned int') is not a structure or union";
  t.match(MEMBER_OF_NON_STRUCT.exec(message)?.[1], 'uint32_t');
  const explained = explainCompileError({ file: 'x.c', line, column, severity: 'error', message }, { source: text });
  t.equal(explained.code, 'COMPILE_MAP_HIDDEN');
  t.match(explained?.message, `\`pid\` here is the local variable declared on line ${lineOf(text, 'uint32_t pid = id >> 32;')} (a uint32_t), not your map \`pid\``);
  t.match(explained?.hint, /Rename the variable[\s\S]*`pid\.lookup\(…\)`/);
  t.match(`${explained?.message}\n${explained?.hint}`, new RegExp(entry.pattern));

  const notAMap = 'int f(struct pt_regs* ctx) {\n  int x = 0;\n  return x.y;\n}\n';
  const notAMapDiagnostic = { file: 'x.c', line: 3, column: 11, severity: 'error' as const, message: "member reference base type 'int' is not a structure or union" };
  t.equal(explainHiddenMap(notAMapDiagnostic, new CSource(notAMap)), undefined, 'not a map');
  t.equal(explainCompileError(notAMapDiagnostic, { source: notAMap }).code, 'COMPILE_FAILED', 'left to the general explanation');
});
