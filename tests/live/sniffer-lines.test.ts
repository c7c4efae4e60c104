// Diagnostics name the learner's own lines in both attach modes: clang's errors, and the
// `; @ file:line` markers of the verifier's log (what the verifier summary locates with).
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Sniffer } from '../../src/sniffer/sniffer.js';
import { isWorkshopError } from '../../src/errors/workshopError.js';
import { fixtureText } from '../helpers/fixtures.js';
import { liveKernel } from '../helpers/kernel.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const missingNullCheck = fixtureText('verifier', 'no-null-check.c');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

// Loading a kprobe-type program needs no kprobes (only attaching does), so both modes run here.
for (const mode of ['kprobe', 'tracepoint'] as const) {
  t.test(`${mode} mode: the verifier's line markers are the learner's lines`, async (t) => {
    await liveKernel();
    const sniffer = await Sniffer.build({ text: missingNullCheck, fileName: 'clean.c' }, mode);
    t.teardown(() => sniffer.close());
    const error = (() => {
      try {
        sniffer.programFd('syscall__probe_ret_accept4');
        return null;
      } catch (e) {
        return e;
      }
    })();
    t.ok(isWorkshopError(error, 'VERIFIER_REJECTED'), 'the verifier rejects the missing NULL check');
    const marks = [...((isWorkshopError(error) && error.raw) || '').matchAll(/@ clean\.c:(\d+)/g)].map((m) => Number(m[1]));
    const signature = lineOf(missingNullCheck, 'int syscall__probe_ret_accept4');
    // The tracepoint rewrite reads the parameters on the signature's own line.
    t.ok(marks[0] === signature || marks[0] === signature + 1, `the log starts in the hook, line ${signature}–${signature + 1} (got ${marks[0]})`);
    t.ok(marks.includes(signature + 1), 'it passes the hook\'s first statement');
    t.ok(marks.includes(lineOf(missingNullCheck, 'process_syscall_accept(ctx, id, accept_args);')), 'and passes the call that uses the value');
  });

  t.test(`${mode} mode: a compile error below several hooks names its line`, async (t) => {
    await liveKernel();
    const lines = readFileSync(path.join(root, 'solution.c'), 'utf8').split('\n');
    const broken = lineOf(lines.join('\n'), 'int syscall__probe_ret_close') + 1;
    lines[broken - 1] += ' not_declared_here++;';
    const error = await Sniffer.build({ text: lines.join('\n'), fileName: 'clean.c' }, mode).then((s) => (s.close(), null), (e: unknown) => e);
    t.ok(isWorkshopError(error, 'COMPILE_FAILED'));
    const first = (isWorkshopError(error) ? error.diagnostics : []).find((d) => d.severity === 'error');
    t.match(first, { file: 'clean.c', line: broken, message: /not_declared_here/ });
  });
}
