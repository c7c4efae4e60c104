// Must show (engine, isolate): a learner's program that makes LLVM end the process (a BPF
// stack over 512 bytes) comes back as a CompileError marked `crashed`, with a diagnostic that
// names the stack limit, and the process lives on and compiles again (compiling happens in
// build/bin/bcc-build, a child); an ordinary syntax error
// comes back at its line, not marked crashed; a valid program compiles; nothing reaches our
// stderr. The scenario runs in a child so the test sees its stderr and its survival.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { closeSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildInChild } from '../../src/engine/buildInChild.js';
import { buildBinary } from '../../src/engine/compilerProcess.js';
import { fixtureText } from '../helpers/fixtures.js';
import { liveKernel } from '../helpers/kernel.js';

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, 'fixtures', 'compile-isolation.ts');

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
}
interface Failure {
  message: string;
  crashed: boolean;
  diagnostics: Diagnostic[];
  stderr: string;
}

t.test('the program LLVM aborts on does end the process that compiles it', async (t) => {
  // Proves the fixture is the crash this feature exists for (else the tests below prove nothing):
  // bcc-build run by hand, without a parent to hand anything to, dies compiling it.
  const { headers } = await liveKernel();
  // By hand, the headers go in its environment (the workshop sends them with each request).
  const env = headers.kernelSource ? { ...process.env, BCC_KERNEL_SOURCE: headers.kernelSource } : process.env;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'big-stack-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const bigStack = path.join(scratch, 'big-stack.c');
  writeFileSync(bigStack, fixtureText('clang-mistakes', 'big-stack.c'));
  const died = await run('/bin/sh', ['-c', `exec "$0" < "$1"`, buildBinary, bigStack], { timeout: 120_000, env }).then(
    () => ({ code: 0, signal: null }),
    (e: { code: number | null; signal: string | null }) => ({ code: e.code, signal: e.signal }),
  );
  t.ok(died.signal !== null || died.code === 1, 'the compiler died (a signal, or LLVM\'s fatal exit status 1)');
  t.comment(`bcc-build ended with status ${died.code}, signal ${died.signal}`);
});

t.test('BpfProgram.compile: crashes, errors and successes, and not a byte on stderr', async (t) => {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fixture], { timeout: 240_000 });
  t.equal(stderr, '', 'nothing reached stderr');
  const report = JSON.parse(stdout);

  const crash = report.bigStack as Failure;
  t.equal(crash.crashed, true, 'the compiler crash is marked as one');
  const stackError = crash.diagnostics.find((d) => d.severity === 'error' && /BPF stack limit of 512 bytes/.test(d.message));
  t.ok(stackError, 'a located error names the 512-byte stack limit');
  t.match(crash.message, /512 bytes/, 'and the error message leads with it');
  t.match(stackError?.message, /^in function syscall__probe_ret_read: /, 'naming the function, without its IR signature');
  t.comment(`bare source: LLVM names ${stackError?.file}:${stackError?.line}:${stackError?.column}`);

  // Which file and line a backend error carries as the app would compile the learner's file.
  for (const key of ['bigStackNamed', 'bigStackAdapted'] as const) {
    const failure = report[key] as Failure;
    t.equal(failure.crashed, true, `${key}: crashed`);
    const d = failure.diagnostics.find((x) => /stack limit/.test(x.message));
    t.equal(d?.file, 'clean.c', `${key}: the error names the learner's file`);
    t.comment(`${key}: LLVM names ${d?.file}:${d?.line}:${d?.column} (${d?.message.split(':')[0]})`);
  }
  // In tracepoint mode the adapter's #line directives sit at each body, so the line is the
  // learner's: big-stack.c's syscall__probe_ret_read starts on line 217; 218 is its first statement.
  const adapted = (report.bigStackAdapted as Failure).diagnostics.find((x) => /stack limit/.test(x.message));
  t.equal(adapted?.line, 218, "tracepoint mode: the line is inside the learner's syscall__probe_ret_read");

  t.equal(report.tinyAfterCrash, 'compiled', 'the same process compiles a valid program afterwards');

  const syntax = report.syntax as Failure;
  t.equal(syntax.crashed, false, 'a syntax error is not a crash');
  const error = syntax.diagnostics.find((d) => d.severity === 'error');
  t.same([error?.file, error?.line, error?.column], ['clean.c', 3, 14], 'at the line and column of the missing semicolon');
  t.match(error?.message, /expected ';'/);

  t.equal(report.solution.result, 'compiled', 'solution.c compiles');
  t.comment(`solution.c: ${report.solution.ms} ms`);
});

t.test('the child says why, as data, for a hung compiler and for a program that compiles', async (t) => {
  await liveKernel();
  const hung = await buildInChild('int f(void *ctx) { return 0; }', [], [], { timeoutMs: 1 });
  t.equal(hung.outcome, 'crashed', 'a compile that outlives its time counts as a crash');
  if (hung.outcome !== 'ok') t.equal(hung.signal, 'SIGKILL');
  t.match(hung.stderr, /did not finish within/);

  const ok = await buildInChild('BPF_ARRAY(one, u32, 1);\nint f(void *ctx) { return 0; }', [], [{ name: 'f', progType: 1 }]);
  t.equal(ok.outcome, 'ok');
  if (ok.outcome !== 'ok') return;
  t.teardown(() => ok.fds.forEach((fd) => closeSync(fd)));
  t.equal(ok.fds.length, 2, 'one map and one program came back');
  t.match(readFileSync(`/proc/self/fdinfo/${ok.module.tables[0]!.fd}`, 'utf8'), /map_type:\s*2/, 'the map is a BPF array held by us');
  t.match(readFileSync(`/proc/self/fdinfo/${ok.module.loads[0]!.fd}`, 'utf8'), /prog_type:\s*1/, 'the program is loaded and held by us');
});
