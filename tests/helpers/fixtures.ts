// The learner files behind recorded compiler and verifier output (tests/fixtures/clang-mistakes,
// tests/fixtures/verifier) are said as edits of a reference program, in each directory's
// manifest.json, the way the broken corpus says its files (see corpus.ts). Every test that
// reads one of these files gets its text from fixtureText.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { applyEdits } from './corpus.js';

/** The directories under tests/fixtures whose learner files are made by edits. */
export type RecordedDir = 'clang-mistakes' | 'verifier';

const repo = path.resolve(import.meta.dirname, '..', '..');
export const fixturesDir = (dir: RecordedDir) => path.join(repo, 'tests', 'fixtures', dir);

const entrySchema = z.strictObject({
  /** The name the recorded output knows the file by. */
  file: z.string().regex(/^[\w-]+\.c$/),
  /** The reference program the edits apply to, relative to the repository. */
  from: z.string().regex(/^(solution\.c|levels\/http\/steps\/level-[0-3]\.c)$/),
  mistake: z.string().min(1),
  edits: z.array(z.strictObject({ find: z.string().min(1), replace: z.string() })).min(1),
});
export type FixtureEntry = z.infer<typeof entrySchema>;

const manifestSchema = z.strictObject({
  description: z.string().min(1),
  files: z.array(entrySchema).min(1).refine((files) => new Set(files.map((f) => f.file)).size === files.length, {
    message: 'each file is named once',
  }),
});

const manifests = new Map<RecordedDir, FixtureEntry[]>();

/** The entries of a directory's manifest.json, validated. */
export function fixtureManifest(dir: RecordedDir): FixtureEntry[] {
  let files = manifests.get(dir);
  if (!files) {
    const file = path.join(fixturesDir(dir), 'manifest.json');
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${path.relative(repo, file)}: ${z.prettifyError(parsed.error)}`);
    files = parsed.data.files;
    manifests.set(dir, files);
  }
  return files;
}

/** The text of a recorded learner file (`file` as in the manifest, e.g. 'no-null-check.c'): its edits applied to its reference program. */
export function fixtureText(dir: RecordedDir, file: string): string {
  const entry = fixtureManifest(dir).find((e) => e.file === file);
  if (!entry) throw new Error(`tests/fixtures/${dir}/manifest.json has no entry for ${file}`);
  return applyEdits(readFileSync(path.join(repo, entry.from), 'utf8'), entry.edits, `${dir}/${file}`, entry.from);
}
