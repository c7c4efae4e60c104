import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseClangDiagnostics, unlocatedMessages } from '../../src/engine/diagnostics.js';
import { parseCpuList } from '../../src/engine/cpus.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'clang', name), 'utf8');

t.test('clang output recorded from libbcc becomes located diagnostics, duplicates folded', async (t) => {
  const diagnostics = parseClangDiagnostics(fixture('missing-semicolon.txt'));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  t.same(
    errors.map((d) => [d.file, d.line, d.column, d.message]),
    [
      ['clean.c', 2, 1, "field has incomplete type 'struct accept_args_t'"],
      ['clean.c', 4, 43, "expected ';' at end of declaration"],
      ['clean.c', 2, 44, 'unknown type'],
    ],
  );
  t.match(errors[1]!.excerpt, /uint64_t id = bpf_get_current_pid_tgid\(\)/);
  const notes = diagnostics.filter((d) => d.severity === 'note');
  t.ok(notes.some((d) => d.file.startsWith('/virtual/include')), 'notes inside BCC headers are kept, marked by their file');
});

t.test('fatal errors and messages without a location', async (t) => {
  const text = "clean.c:3:10: fatal error: 'nope.h' file not found\n#include <nope.h>\n         ^~~~~~~~\n1 error generated.\n";
  t.same(parseClangDiagnostics(text).map((d) => [d.severity, d.line]), [['fatal', 3]]);
  t.same(unlocatedMessages('Unable to find kernel headers. Try rebuilding kernel with CONFIG_IKHEADERS=m\n'), [
    'Unable to find kernel headers. Try rebuilding kernel with CONFIG_IKHEADERS=m',
  ]);
});

t.test("LLVM's backend errors put the severity first and still carry a location", async (t) => {
  // Recorded from bcc-compile-check on a program whose data event holds 600 bytes.
  const text =
    'error: /virtual/main.c:256:12: in function syscall__probe_ret_read i32 (%struct.pt_regs*): ' +
    'Looks like the BPF stack limit of 512 bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.\n\n\n';
  const diagnostics = parseClangDiagnostics(text);
  t.same(
    diagnostics.map((d) => [d.severity, d.file, d.line, d.column]),
    [['error', '/virtual/main.c', 256, 12]],
  );
  t.equal(
    diagnostics[0]!.message,
    'in function syscall__probe_ret_read: Looks like the BPF stack limit of 512 bytes is exceeded. ' +
      'Please move large on stack variables into BPF per-cpu array map.',
    'the IR signature is dropped, the function name kept',
  );
  t.equal(diagnostics[0]!.excerpt, undefined, 'no excerpt follows a backend error');
  t.same(unlocatedMessages(text), [], 'a backend error is not counted as unlocated');
  t.same(
    parseClangDiagnostics('warning: clean.c:7:3: in function f: something odd\n').map((d) => [d.severity, d.line, d.message]),
    [['warning', 7, 'in function f: something odd']],
  );
});

t.test('online CPU lists', async (t) => {
  t.same(parseCpuList('0-1\n'), [0, 1]);
  t.same(parseCpuList('0,2-4,7'), [0, 2, 3, 4, 7]);
  t.throws(() => parseCpuList('x'));
});
