// The tracepoint adapter on recorded tracefs formats: what it writes, which hooks it reports,
// that every learner line keeps its number under #line, and the errors it gives.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { adaptToTracepoints, type SyscallFormatLookup } from '../../src/hooks/tracepointAdapter.js';
import { WorkshopError } from '../../src/errors/workshopError.js';
import { findHookDefinitions } from '../../src/hooks/hookNames.js';
import { parseTracepointFormat, syscallFormatFromText } from '../../src/hooks/tracepointFormat.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'adapter');
const tutorial = readFileSync(path.join(fixtures, 'http-capture.c'), 'utf8');

/** The formats recorded from this machine's tracefs; null for the ones not recorded. */
const recordedFormats: SyscallFormatLookup = (syscall, phase) => {
  const file = path.join(fixtures, 'formats', `sys_${phase}_${syscall}.format`);
  return existsSync(file) ? syscallFormatFromText(syscall, phase, readFileSync(file, 'utf8')) : null;
};

/**
 * What clang makes of `#line`: the lines of `text` it reports at each line of clean.c (a
 * signature's line also carries generated code). BCC puts the generated tracepoint struct just
 * before each tracepoint function; `bccInsertion` does the same here, so the mapping is checked
 * as clang really sees it.
 */
function presumedLines(text: string, bccInsertion = ''): Map<number, string[]> {
  const withStructs = text.replace(/^int\n(#line .*\ntracepoint__)/gm, `${bccInsertion}int\n$1`);
  const learner = new Map<number, string[]>();
  let file = '<prelude>';
  let line = 1;
  for (const content of withStructs.split('\n')) {
    const directive = /^#line (\d+) "(.*)"$/.exec(content);
    if (directive) {
      line = Number(directive[1]);
      file = directive[2]!;
      continue;
    }
    if (file === 'clean.c') learner.set(line, [...(learner.get(line) ?? []), content]);
    line++;
  }
  return learner;
}

t.test('tracefs format files parse into fields and syscall arguments', async (t) => {
  const read = recordedFormats('read', 'enter')!;
  t.equal(read.name, 'sys_enter_read');
  t.type(read.id, 'number');
  t.same(read.args.map((f) => [f.name, f.type, f.offset, f.size]), [
    ['fd', 'unsigned int', 16, 8],
    ['buf', 'char *', 24, 8],
    ['count', 'size_t', 32, 8],
  ]);
  t.same(read.fields.slice(0, 2).map((f) => [f.name, f.type, f.offset, f.size, f.signed]), [
    ['common_type', 'unsigned short', 0, 2, false],
    ['common_flags', 'unsigned char', 2, 1, false],
  ]);
  t.same(recordedFormats('accept4', 'enter')!.args.map((f) => f.name), ['fd', 'upeer_sockaddr', 'upeer_addrlen', 'flags']);
  t.same(recordedFormats('write', 'enter')!.args.map((f) => [f.name, f.type]), [['fd', 'unsigned int'], ['buf', 'const char *'], ['count', 'size_t']]);
  t.same(recordedFormats('close', 'enter')!.args.map((f) => f.name), ['fd']);
  t.same(recordedFormats('openat', 'enter')!.args.map((f) => f.name), ['dfd', 'filename', 'flags', 'mode']);
  for (const syscall of ['accept4', 'read', 'write', 'close', 'openat']) {
    t.same(recordedFormats(syscall, 'exit')!.args.map((f) => [f.name, f.type, f.offset, f.signed]), [['ret', 'long', 16, true]], `${syscall} exit`);
  }
  const sched = parseTracepointFormat('name: sched_switch\nID: 7\nformat:\n\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n');
  t.same(sched.fields, [{ name: 'prev_comm', type: 'char[16]', offset: 8, size: 16, signed: false }], 'array fields');
});

t.test("the tutorial's hooks become tracepoint programs, reported in order", async (t) => {
  const { hooks } = adaptToTracepoints(tutorial, recordedFormats, { fileName: 'clean.c' });
  const lines = tutorial.split('\n');
  t.same(
    hooks.map((h) => [h.learnerName, h.programName, h.kind, h.syscall, h.category, h.event]),
    [
      ['syscall__probe_entry_accept4', 'tracepoint__syscalls__sys_enter_accept4', 'entry', 'accept4', 'syscalls', 'sys_enter_accept4'],
      ['syscall__probe_ret_accept4', 'tracepoint__syscalls__sys_exit_accept4', 'return', 'accept4', 'syscalls', 'sys_exit_accept4'],
      ['syscall__probe_entry_read', 'tracepoint__syscalls__sys_enter_read', 'entry', 'read', 'syscalls', 'sys_enter_read'],
      ['syscall__probe_ret_read', 'tracepoint__syscalls__sys_exit_read', 'return', 'read', 'syscalls', 'sys_exit_read'],
    ],
  );
  for (const hook of hooks) t.match(lines[hook.line - 1], `int ${hook.learnerName}(`, `${hook.learnerName}: line ${hook.line}`);
});

t.test('the learner parameters become locals read from the record by position', async (t) => {
  const { source } = adaptToTracepoints(tutorial, recordedFormats, { fileName: 'clean.c' });
  t.match(source, /^#undef PT_REGS_RC\n#define PT_REGS_RC\(x\) \(\*\(long \*\)\(\(char \*\)\(x\) \+ 16\)\)\n#line 1 "clean\.c"\n/m, 'PT_REGS_RC reads `ret` at offset 16, before line 1');
  t.ok(source.includes('tracepoint__syscalls__sys_enter_accept4(struct tracepoint__syscalls__sys_enter_accept4 *__tracepoint_record) {\n'));
  t.ok(source.includes('__attribute__((unused)) struct pt_regs* ctx = (__typeof__(ctx))__tracepoint_record;'), 'ctx is the record');
  t.ok(source.includes('__attribute__((unused)) int sockfd = (__typeof__(sockfd))__tracepoint_record->fd;'), 'sockfd is the first argument, `fd`');
  t.ok(source.includes('__attribute__((unused)) struct sockaddr * addr = (__typeof__(addr))__tracepoint_record->upeer_sockaddr;'), 'addr is `upeer_sockaddr`');
  t.ok(source.includes('__attribute__((unused)) size_t * addrlen = (__typeof__(addrlen))__tracepoint_record->upeer_addrlen;'));
  t.ok(source.includes('__attribute__((unused)) int flags = (__typeof__(flags))__tracepoint_record->flags;'));
  t.ok(
    source.includes('__attribute__((unused)) int fd = (__typeof__(fd))__tracepoint_record->fd; __attribute__((unused)) char* buf = (__typeof__(buf))__tracepoint_record->buf; __attribute__((unused)) size_t count = (__typeof__(count))__tracepoint_record->count;'),
    'parameters on one line stay on one line',
  );
  t.notMatch(source, /^int syscall__probe_\w+\(struct pt_regs\* ctx\) \{/m, 'no kprobe-style definition is left');
  t.match(source, /^int syscall__probe_entry_accept4\(struct pt_regs\* ctx, int sockfd, .*\);$/m, 'the prototype is left as it was');
  t.ok(source.includes('static inline void process_data(struct pt_regs* ctx,'), 'helpers are untouched');
  t.ok(source.includes('int return_code = PT_REGS_RC(ctx);'));
});

t.test('every learner line keeps its number, even after BCC inserts its structs', async (t) => {
  const { source } = adaptToTracepoints(tutorial, recordedFormats, { fileName: 'clean.c' });
  const learnerLines = tutorial.split('\n');
  const signatures = findHookDefinitions(tutorial).map((h) => [h.startLine, h.bodyLine] as const);
  const inSignature = (n: number) => signatures.some(([from, to]) => n >= from && n < to);
  for (const insertion of ['', 'struct tracepoint__syscalls__x {\n\tu64 __do_not_use__;\n\tlong ret;\n};\n']) {
    const mapped = presumedLines(source, insertion);
    let checked = 0;
    learnerLines.forEach((text, index) => {
      const n = index + 1;
      if (inSignature(n)) return;
      const out = mapped.get(n) ?? [];
      if (signatures.some(([, body]) => body === n)) {
        // The `{` line: the signature's text becomes spaces, the body's text stays in its columns;
        // the last generated locals may come before it on the same line number.
        const afterBrace = text.slice(text.indexOf('{') + 1);
        if (out.at(-1) !== ' '.repeat(text.indexOf('{') + 1) + afterBrace) t.fail(`line ${n}: ${JSON.stringify(out)}`);
      } else if (out.length !== 1 || out[0] !== text) {
        t.fail(`line ${n} reads ${JSON.stringify(out)} instead of ${JSON.stringify(text)}`);
      }
      checked++;
    });
    t.ok(checked > 100, `${checked} lines checked ${insertion ? 'with' : 'without'} BCC's insertion`);
  }
});

t.test("each parameter's local sits on the parameter's own line", async (t) => {
  const { source } = adaptToTracepoints(tutorial, recordedFormats, { fileName: 'clean.c' });
  const mapped = presumedLines(source, 'struct x {\n};\n');
  const accept = findHookDefinitions(tutorial)[0]!;
  t.equal(accept.parameters.length, 5);
  for (const parameter of accept.parameters) {
    t.ok(mapped.get(parameter.line)!.some((l) => l.includes(` ${parameter.name} = (`)), `${parameter.name} at line ${parameter.line}`);
  }
  t.match(mapped.get(accept.nameLine)![0], /^tracepoint__syscalls__sys_enter_accept4\(/, "the function's name at the learner's name line");
});

t.test('shapes: comments, renamed context, arrays, unnamed and unused parameters, strings', async (t) => {
  const source = [
    '#include <uapi/linux/ptrace.h>',
    'static const char *s = "int syscall__probe_entry_write(struct pt_regs *ctx) {";',
    'static inline int rc(struct pt_regs *ctx) { return PT_REGS_RC(ctx); }',
    'int syscall__probe_entry_read(struct pt_regs * /* the registers */ regs, unsigned fd, /* unused */ char buf[], size_t) {',
    '  return regs != 0;',
    '}',
    'static int syscall__probe_ret_close(struct pt_regs *ctx) { return rc(ctx); }',
    '',
  ].join('\n');
  const adapted = adaptToTracepoints(source, recordedFormats, { fileName: 'dir/my "file".c' });
  t.same(adapted.hooks.map((h) => [h.programName, h.line]), [
    ['tracepoint__syscalls__sys_enter_read', 4],
    ['tracepoint__syscalls__sys_exit_close', 7],
  ]);
  t.ok(adapted.source.includes('#line 4 "dir/my \\"file\\".c"\n'), 'the file name is quoted for #line');
  t.ok(adapted.source.includes('__attribute__((unused)) struct pt_regs * regs = (__typeof__(regs))__tracepoint_record; __attribute__((unused)) unsigned fd = (__typeof__(fd))__tracepoint_record->fd; __attribute__((unused)) char * buf = (__typeof__(buf))__tracepoint_record->buf;\n'));
  t.notMatch(adapted.source, /size_t\s*=|count/, 'the unnamed parameter gets no local');
  t.ok(adapted.source.includes('static const char *s = "int syscall__probe_entry_write(struct pt_regs *ctx) {";'), 'strings are left alone');
  t.notMatch(adapted.source, /static int|syscall__probe_ret_close/, '`static` goes with the signature: a tracepoint program must be visible');
});

t.test('hooks with no parameters, or none after ctx, are fine', async (t) => {
  const { source, hooks } = adaptToTracepoints('int syscall__probe_ret_read(void) { return 0; }\nint syscall__probe_entry_close(struct pt_regs *ctx) { return 0; }\n', recordedFormats);
  t.equal(hooks.length, 2);
  t.match(source, /#line 1 "main\.c"\n {36}return 0; \}/, 'no locals; the default file name is main.c');
});

t.test('errors name the hook, the line and what to change', async (t) => {
  const tooMany = 'int x;\nint syscall__probe_entry_read(struct pt_regs *ctx, int fd, char *buf, size_t count, int extra) { return 0; }\n';
  t.throws(() => adaptToTracepoints(tooMany, recordedFormats, { fileName: 'clean.c' }), {
    name: 'WorkshopError',
    code: 'HOOK_TOO_MANY_PARAMETERS',
    location: { file: 'clean.c', line: 2 },
    message: 'syscall__probe_entry_read has 4 parameters after ctx, but the kernel\'s sys_enter_read tracepoint provides only 3 (fd, buf, count). Remove the extra parameters.',
  });
  const retWithArgs = 'int syscall__probe_ret_close(struct pt_regs *ctx, int a, int b) { return 0; }';
  t.throws(() => adaptToTracepoints(retWithArgs, recordedFormats), /syscall__probe_ret_close has 2 parameters after ctx, .*sys_exit_close tracepoint provides only 1 \(ret\)/);
  const unknown = '\n\nint syscall__probe_entry_frobnicate(struct pt_regs *ctx) { return 0; }';
  t.throws(() => adaptToTracepoints(unknown, recordedFormats, { fileName: 'clean.c' }), {
    code: 'HOOK_NOT_A_SYSCALL',
    location: { file: 'clean.c', line: 3 },
    message: /^syscall__probe_entry_frobnicate hooks `frobnicate`, but this kernel has no syscalls:sys_enter_frobnicate tracepoint/,
  });
  const error = (() => {
    try {
      adaptToTracepoints(unknown, recordedFormats);
    } catch (caught) {
      return caught;
    }
  })();
  t.type(error, WorkshopError);
});

t.test('a source without hooks passes through behind the prelude', async (t) => {
  const { source, hooks } = adaptToTracepoints('int main(void) { return 0; }\n', recordedFormats, { fileName: 'clean.c' });
  t.same(hooks, []);
  t.ok(source.endsWith('#line 1 "clean.c"\nint main(void) { return 0; }\n'));
});
