// The learner files behind the recorded compiler and verifier output are edits of a reference
// program (tests/helpers/fixtures.ts): every entry's edits still apply, every recording has its
// entry and every entry its recording, and the recordings still line up with the edited text
// where they quote it. The diagnose tests then assert on the recorded lines themselves.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureManifest, fixtureText, fixturesDir, type RecordedDir } from '../helpers/fixtures.js';

const dirs: Record<RecordedDir, string> = { 'clang-mistakes': '.stderr', verifier: '.log' };
const names = (dir: RecordedDir, ending: string) =>
  readdirSync(fixturesDir(dir)).filter((f) => f.endsWith(ending)).map((f) => f.slice(0, -ending.length)).sort();
const repo = path.resolve(import.meta.dirname, '..', '..');
const read = (dir: RecordedDir, file: string) => readFileSync(path.join(fixturesDir(dir), file), 'utf8');
const linesOf = (dir: RecordedDir, name: string) => fixtureText(dir, `${name}.c`).split('\n');

for (const [dir, recording] of Object.entries(dirs) as [RecordedDir, string][]) {
  t.test(`${dir}: every entry applies, and recordings and entries match one to one`, async (t) => {
    const entries = fixtureManifest(dir);
    for (const entry of entries) {
      const text = fixtureText(dir, entry.file);
      t.not(text, readFileSync(path.join(repo, entry.from), 'utf8'), `${entry.file}: the edits change ${entry.from}`);
    }
    const made = entries.map((e) => e.file.replace(/\.c$/, '')).sort();
    t.same(names(dir, recording), made, `each ${recording} has a manifest entry and each entry a ${recording}`);
    t.same(names(dir, '.c'), [], 'no whole copies lie beside the manifest');
  });
}

t.test('clang-mistakes: the source lines clang quoted are the lines of the edited text', async (t) => {
  for (const name of names('clang-mistakes', '.stderr')) {
    const text = linesOf('clang-mistakes', name);
    const stderr = read('clang-mistakes', `${name}.stderr`).split('\n');
    stderr.forEach((header, i) => {
      const located = /^([\w-]+\.c):(\d+):(\d+): (?:error|warning|note): /.exec(header);
      if (!located) return;
      const [, file, line, column] = located;
      const quoted = stderr[i + 1] ?? '';
      const ours = text[Number(line) - 1];
      t.equal(file, `${name}.c`, `${name}: clang names the file`);
      if (quoted.includes('__tracepoint_record')) {
        // The tracepoint adapter wrote this line in place of the hook's signature: the word
        // clang points at must still be on the learner's line.
        const word = /^\w+/.exec(quoted.slice(Number(column) - 1))?.[0] ?? '';
        t.ok(word !== '' && ours?.includes(word), `${name}:${line}: \`${word}\` is on the learner's line`);
      } else {
        t.equal(quoted, ours, `${name}:${line}: the quoted line`);
      }
    });
  }
});

t.test('verifier: the warnings quote the edited text, and the log markers name its lines', async (t) => {
  const recorded: Record<string, { warnings?: string }> = JSON.parse(read('verifier', 'recorded.json'));
  t.same(Object.keys(recorded).sort(), names('verifier', '.log'), 'recorded.json describes each log');
  for (const name of names('verifier', '.log')) {
    const text = linesOf('verifier', name);
    const warningsFile = recorded[name]?.warnings;
    if (warningsFile) {
      const warnings: { file: string; line: number; excerpt: string }[] = JSON.parse(read('verifier', warningsFile));
      for (const w of warnings) {
        t.equal(w.file, `${name}.c`, `${warningsFile}: the file`);
        t.equal(w.excerpt.split('\n')[0], text[w.line - 1], `${warningsFile}: line ${w.line} as quoted`);
      }
    }
    const marks = [...read('verifier', `${name}.log`).matchAll(/@ ([\w-]+\.c):(\d+)$/gm)];
    t.ok(marks.every((m) => m[1] === `${name}.c`), `${name}.log: markers name the file`);
    t.ok(marks.every((m) => Number(m[2]) <= text.length), `${name}.log: markers name lines of the text`);
  }
  t.same(
    readdirSync(fixturesDir('verifier')).filter((f) => f.endsWith('.warnings.json')).sort(),
    Object.values(recorded).flatMap((r) => r.warnings ?? []).sort(),
    'every warnings file is named in recorded.json',
  );
});
