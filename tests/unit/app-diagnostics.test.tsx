/** @jsxRuntime automatic */
/** @jsxImportSource react */
import t from 'tap';
import { render } from 'ink-testing-library';
import { Diagnostics } from '../../src/app/components/Diagnostics.js';
import { diagnosticLines, type DiagnosticInput } from '../../src/app/diagnosticLines.js';
import { setColorEnabled } from '../../src/app/theme.js';
import { fail, pass } from '../../src/report/checkReport.js';

setColorEnabled(false);

/** The diagnostics as the screen lays them out and shows them. */
const diagnostics = (input: DiagnosticInput, width: number, height: number) => (
  <Diagnostics lines={diagnosticLines(input, width, height).lines} width={width} height={height} />
);
const source = Array.from({ length: 30 }, (_, i) => `line ${i + 1};`).join('\n');

t.test('the first failure at file:line:column, the code around it with a caret, the hint, then the rest', async (t) => {
  const checks = [
    pass('file', 'text', 'ok'),
    fail('compile', 'compiles', 'use of undeclared identifier \'foo\'', { code: 'COMPILE_UNDECLARED', hint: 'declare it first', location: { file: 'clean.c', line: 12, column: 3 } }),
    fail('hook:x', 'hook x', 'clean.c has no function syscall__probe_ret_read', { code: 'HOOK_MISSING', location: { file: 'clean.c', line: 20, column: null } }),
  ];
  const { lastFrame, unmount } = render(diagnostics({ checks, problem: null, source }, 80, 12));
  const lines = lastFrame()!.split('\n');
  t.match(lines[0], /^✗ clean\.c:12:3 {2}use of undeclared identifier 'foo'/);
  t.same(
    lines.slice(1, 7).map((l) => l.trimEnd()),
    ['  10 │ line 10;', '  11 │ line 11;', '▶ 12 │ line 12;', '     │   ^', '  13 │ line 13;', '  14 │ line 14;'],
  );
  t.match(lines[7], /hint: declare it first/);
  t.match(lines[8], /^✗ clean\.c:20 {2}clean\.c has no function syscall__probe_ret_read/);
  unmount();
});

t.test('a problem outside the checks (the environment) is shown with its fix', async (t) => {
  const problem = { code: 'ENV_TRACEFS' as const, kind: 'environment' as const, message: 'tracefs is not mounted', hint: 'sudo mount -t tracefs tracefs /sys/kernel/tracing', location: null, raw: null };
  const { lastFrame, unmount } = render(diagnostics({ checks: [], problem, source: '' }, 80, 6));
  t.match(lastFrame()!, /✗ tracefs is not mounted/);
  t.match(lastFrame()!, /hint: sudo mount -t tracefs/);
  unmount();
});

t.test('only what fits: extra failures are counted, never spill past the height', async (t) => {
  const checks = Array.from({ length: 12 }, (_, i) => fail(`c${i}`, 't', `problem ${i}`, { code: 'COMPILE_FAILED' }));
  const { lastFrame, unmount } = render(diagnostics({ checks, problem: null, source }, 80, 6));
  const lines = lastFrame()!.split('\n');
  t.ok(lines.length <= 6, `${lines.length} lines`);
  t.match(lastFrame()!, /… and \d+ more/);
  unmount();
});
