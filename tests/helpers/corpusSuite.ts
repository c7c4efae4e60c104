// A broken corpus (tests/fixtures/<corpus>/manifest.json: step files of a track, each with one
// learner mistake said as edits of it) and the suite that runs each of its files through
// `check --json`: exit 1, the expected check failed at the expected line with its code and a
// message that says what is wrong and how to fix it, no other check failed, no stack trace, no
// progress saved, no BPF program of ours left loaded. tests/live/check-corpus.test.ts runs the
// HTTP track's corpus, tls-corpus.test.ts the TLS track's.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { applyEdits } from './corpus.js';
import { checkById, failedChecks, testWorkspace, ourProgramIds, programsLeftBehind, repoRoot, runCheck, STACK_TRACE } from './cli.js';
import type { CheckResult } from '../../src/report/checkReport.js';

const regex = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(e as Error).message}` });
    return z.NEVER;
  }
});

const entrySchema = z.strictObject({
  file: z.string().regex(/^[\w-]+\.c$/),
  /** The step file (or solution.c) it is made from; null for files that are not C at all, which lie in the corpus directory. */
  from: z.string().nullable(),
  mistake: z.string().min(1),
  /** The mistake: applied in order to the text of `from`, each `find` occurring there exactly once. */
  edits: z.array(z.strictObject({ find: z.string().min(1), replace: z.string() })).min(1).optional(),
  level: z.number().int().min(0),
  /** 1 for a mistake in the file; 2 only for a genuine usage error. */
  exit: z.union([z.literal(1), z.literal(2)]),
  check: z.string(),
  /** The failing check's stable code (docs/errors.md). */
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  line: z.number().int().positive().nullable(),
  pattern: regex,
  raw: regex.optional(),
  oneSentence: z.boolean().optional(),
  alsoFailing: z.array(z.strictObject({ check: z.string(), pattern: regex })).optional(),
  /** Checked in this attach mode (`--attach`) rather than the kernel's own: a mistake only one mode shows. */
  attach: z.enum(['tracepoint', 'kprobe']).optional(),
}).refine((entry) => (entry.from === null) === (entry.edits === undefined), {
  message: 'an entry made from a step file says its mistake as edits; one with from null has none',
});

export type CorpusEntry = z.infer<typeof entrySchema>;

export interface Corpus {
  dir: string;
  files: CorpusEntry[];
}

/** The corpus in tests/fixtures/<name>, its manifest validated; at least `minFiles` entries. */
export function loadCorpus(name: string, minFiles: number): Corpus {
  const dir = path.join(repoRoot, 'tests', 'fixtures', name);
  const manifest = z
    .strictObject({ description: z.string(), files: z.array(entrySchema).min(minFiles) })
    .parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
  return { dir, files: manifest.files };
}

/** The broken file's bytes: the edits applied to the step file, or the file itself where there is none. */
export function brokenFile(corpus: Corpus, entry: CorpusEntry): string | Buffer {
  if (entry.from === null || entry.edits === undefined) return readFileSync(path.join(corpus.dir, entry.file));
  return applyEdits(readFileSync(path.join(repoRoot, entry.from), 'utf8'), entry.edits, entry.file, entry.from);
}

/** What the learner reads for a check: the message, then the hint. */
export const said = (check: CheckResult | undefined) => (check ? `${check.message}\n${check.hint ?? ''}` : '');

/** Sentence ends: a full stop, ! or ? followed by a capital letter or the end. */
export const sentences = (text: string) => (text.trim().match(/[.!?](?=\s+[A-Z]|$)/g) ?? []).length;

/** The tests of a corpus: its manifest holds together, and each file gets its diagnosis from `check --track trackId`. */
export function corpusSuite(corpus: Corpus, trackId: string): void {
  const track = ['--track', trackId];

  t.test('the manifest names each file once; each is made from a real step file by edits that apply, or lies in the corpus directory', async (t) => {
    const names = corpus.files.map((e) => e.file);
    t.same([...new Set(names)].sort(), names.slice().sort(), 'no file is named twice');
    const files = readdirSync(corpus.dir).filter((f) => f.endsWith('.c')).sort();
    t.same(corpus.files.filter((e) => e.from === null).map((e) => e.file).sort(), files, 'the directory holds exactly the files not made from a step file');
    for (const entry of corpus.files) {
      if (entry.from === null) continue;
      if (!t.ok(existsSync(path.join(repoRoot, entry.from)), `${entry.file} comes from ${entry.from}`)) continue;
      try {
        brokenFile(corpus, entry);
        t.pass(`${entry.file}: each edit finds its text exactly once`);
      } catch (e) {
        t.fail((e as Error).message);
      }
    }
  });

  for (const entry of corpus.files) {
    t.test(`${entry.file} (level ${entry.level}): ${entry.mistake}`, async (t) => {
      const workspace = testWorkspace(t, 'ebpf-workshop-corpus-');
      writeFileSync(path.join(workspace.dir, entry.file), brokenFile(corpus, entry));

      const before = ourProgramIds();
      const attach = entry.attach ? ['--attach', entry.attach] : [];
      const run = await runCheck([...track, ...attach, '--level', String(entry.level), entry.file], { workspace });
      t.same(await programsLeftBehind(before, run), [], 'no program of ours is left loaded');

      t.equal(run.code, entry.exit, `exit ${entry.exit}`);
      t.equal(run.signal, null, 'the CLI ended by itself');
      t.notMatch(run.stdout, STACK_TRACE, 'no stack trace on stdout');
      t.notMatch(run.stderr, STACK_TRACE, 'no stack trace on stderr');
      t.equal(run.report.passed, false);
      t.equal(run.report.file, entry.file);
      t.notOk(existsSync(workspace.progressFile), 'a failure saves no progress');

      const check = checkById(run.report, entry.check);
      t.equal(check?.status, 'fail', `${entry.check} failed`);
      t.equal(check?.code, entry.code, `with the code ${entry.code}`);
      t.equal(failedChecks(run.report)[0]?.id, entry.check, 'it is the first failing check, the one the board shows');
      t.match(said(check), entry.pattern, 'the diagnosis');
      if (entry.line === null) t.equal(check?.location, null, 'no line applies');
      else t.match(check?.location, { file: entry.file, line: entry.line }, `at ${entry.file}:${entry.line}`);
      if (entry.oneSentence) t.equal(sentences(check?.message ?? ''), 1, `one sentence: ${check?.message}`);
      t.notOk(check && 'raw' in check, 'the raw output stays behind --verbose');

      const others = entry.alsoFailing ?? [];
      t.same(
        failedChecks(run.report).map((c) => c.id).sort(),
        [entry.check, ...others.map((o) => o.check)].sort(),
        'no other check failed',
      );
      for (const other of others) t.match(said(checkById(run.report, other.check)), other.pattern, other.check);

      if (entry.raw) {
        const verbose = await runCheck([...track, '--verbose', '--level', String(entry.level), entry.file], { workspace });
        t.equal(verbose.code, entry.exit);
        t.match(checkById(verbose.report, entry.check)?.raw, entry.raw, '--verbose shows the verifier\'s log');
      }
    });
  }
}
