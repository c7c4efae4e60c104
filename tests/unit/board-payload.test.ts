// Privacy: what leaves the learner's machine for the classroom board by default holds no line
// of their program. The recorded reports are real `check --json --verbose` output whose raw
// compiler output and verifier log quote the program's lines, so the test has something to
// strip; the programs are the broken corpus's, rebuilt from its edits.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { boardPayload, boardPayloadSchema, failureCode } from '../../src/board/payload.js';
import type { CheckReport } from '../../src/report/checkReport.js';
import { applyEdits, type TextEdit } from '../helpers/corpus.js';
import { repoRoot } from '../helpers/cli.js';

interface CorpusEntry {
  file: string;
  from: string | null;
  edits?: TextEdit[];
}

const corpus = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures/broken-corpus/manifest.json'), 'utf8')) as { files: CorpusEntry[] };

function learnerProgram(file: string): string {
  const entry = corpus.files.find((f) => f.file === file);
  if (!entry?.from || !entry.edits) throw new Error(`${file} is not an edited entry of the broken corpus`);
  return applyEdits(readFileSync(path.join(repoRoot, entry.from), 'utf8'), entry.edits, file, entry.from);
}

function recorded(name: string): { text: string; report: CheckReport } {
  const text = readFileSync(path.join(repoRoot, 'tests/fixtures/board', `${name}.verbose.json`), 'utf8');
  return { text, report: JSON.parse(text) as CheckReport };
}

/** The program's lines that say something (not braces, blank lines or short words). */
function codeLines(source: string): string[] {
  return source
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 12 && !line.startsWith('//') && !line.startsWith('*') && !line.startsWith('/*'));
}

for (const name of ['no-null-check', 'missing-semicolon']) {
  t.test(`the default payload of ${name}.c holds none of its lines`, async (t) => {
    const source = learnerProgram(`${name}.c`);
    const { text, report } = recorded(name);
    const lines = codeLines(source);
    t.ok(lines.length >= 15, `${lines.length} lines of the program to look for`);
    const quotedInReport = lines.filter((line) => JSON.stringify(report).includes(JSON.stringify(line).slice(1, -1)));
    t.ok(quotedInReport.length > 0, `the verbose report quotes the program (${quotedInReport[0]})`);

    const payload = boardPayload(report, { name: 'alice', track: 'http', now: 1 });
    const sent = JSON.stringify(payload);
    const leaked = lines.filter((line) => sent.includes(JSON.stringify(line).slice(1, -1)));
    t.same(leaked, [], 'no line of the program is in the payload');
    t.notOk('source' in payload, 'no source field without --share-code');
    t.notOk(sent.includes('/tmp/'), 'no directory of the learner\'s file');
    t.notOk(sent.includes('"raw"'), 'no raw compiler output or verifier log');
    t.ok(boardPayloadSchema.safeParse(JSON.parse(sent)).success, 'what is sent is what the board accepts');
    t.ok(text.includes('"raw"'));

    const failing = report.checks.filter((c) => c.status === 'fail');
    t.ok(failing.length > 0);
    for (const check of payload.report.checks) {
      const original = report.checks.find((c) => c.id === check.id)!;
      t.equal(check.code, failureCode(original), `${check.id}: its code`);
      t.equal(check.message, original.message.split('/tmp/board-try/home-alice/').join(''), `${check.id}: its message`);
      t.equal(check.location?.line ?? null, original.location?.line ?? null, `${check.id}: its line`);
    }
    t.match(failing[0].code, /^[A-Z][A-Z_]+$/, `check --json gave the failure a code (${failing[0].code})`);
    t.equal(payload.report.checks.find((c) => c.status === 'fail')?.code, failing[0].code, 'the payload carries it');
  });
}

t.test('--share-code sends the program, cut to the limit', async (t) => {
  const source = learnerProgram('no-null-check.c');
  const { report } = recorded('no-null-check');
  const payload = boardPayload(report, { name: 'bob', track: 'http', sharedSource: source });
  t.equal(payload.source, source);
  const huge = boardPayload(report, { name: 'bob', track: 'http', sharedSource: 'x'.repeat(200_000) });
  t.ok(boardPayloadSchema.safeParse(huge).success, 'a very long program is cut, not refused');
});

t.test('a failing check carries its own code when check --json has one', async (t) => {
  const check = { id: 'compile', title: 't', status: 'fail' as const, message: 'm', hint: null, location: null, code: 'COMPILE_FAILED' as const };
  t.equal(failureCode(check), 'COMPILE_FAILED');
  t.equal(failureCode({ ...check, status: 'pass' }), null, 'passing checks have none');
});

t.test('names are cleaned: no control characters, trimmed, bounded', async (t) => {
  const { report } = recorded('no-null-check');
  const payload = boardPayload(report, { name: '  eve\u001b[31m\n' + 'x'.repeat(100), track: 'http' });
  t.notMatch(payload.name, /[\u0000-\u001f]/);
  t.ok(payload.name.length <= 40);
  t.ok(payload.name.startsWith('eve'));
});
