// The hook finder: definitions of syscall__probe_(entry|ret)_<syscall> and nothing else.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findHookDefinitions, hookName, parseHookName } from '../../src/hooks/hookNames.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'adapter');
const shapes = readFileSync(path.join(fixtures, 'hook-shapes.c'), 'utf8');

t.test('parseHookName reads the kind and the syscall from a hook name', async (t) => {
  t.same(parseHookName('syscall__probe_entry_accept4'), { kind: 'entry', syscall: 'accept4' });
  t.same(parseHookName('syscall__probe_ret_read'), { kind: 'return', syscall: 'read' });
  t.same(parseHookName('syscall__probe_entry_rt_sigreturn'), { kind: 'entry', syscall: 'rt_sigreturn' });
  t.equal(parseHookName('syscall__probe_entry_'), null, 'no syscall');
  t.equal(parseHookName('syscall__probe_exit_read'), null, '`ret`, not `exit`');
  t.equal(parseHookName('kprobe__sys_read'), null);
  t.equal(parseHookName('my_syscall__probe_entry_read'), null, 'the name must start with the prefix');
  t.equal(parseHookName('syscall__probe_entry_<hook name>'), null, "the tutorial's template placeholder");
  t.equal(hookName('return', 'read'), 'syscall__probe_ret_read');
  t.equal(hookName('entry', 'accept4'), 'syscall__probe_entry_accept4');
});

t.test('definitions are found; prototypes, calls, comments and strings are not', async (t) => {
  const hooks = findHookDefinitions(shapes);
  t.same(
    hooks.map((h) => h.name),
    [
      'syscall__probe_entry_accept4',
      'syscall__probe_ret_accept4',
      'syscall__probe_entry_read',
      'syscall__probe_ret_read',
      'syscall__probe_entry_close',
      'syscall__probe_ret_close',
    ],
    'each definition once, in order; no write/open hooks from comments or strings',
  );
  for (const hook of hooks) {
    t.equal(shapes[hook.bodyOpen], '{', `${hook.name}: bodyOpen is the body's brace`);
    t.equal(shapes[hook.end - 1], '}', `${hook.name}: end is past the body's closing brace`);
    t.equal(shapes.slice(hook.nameOffset, hook.nameOffset + hook.name.length), hook.name);
  }
});

t.test('a multi-line signature with comments in the parameter list', async (t) => {
  const accept = findHookDefinitions(shapes)[0]!;
  t.equal(accept.kind, 'entry');
  t.equal(accept.syscall, 'accept4');
  t.equal(accept.startLine, 17);
  t.equal(accept.nameLine, 17);
  t.equal(accept.bodyLine, 22, 'the brace on its own line');
  t.equal(accept.endLine, 26, 'braces inside char and string literals do not end the body');
  t.same(
    accept.parameters.map((p) => [p.type, p.name, p.line]),
    [
      ['struct pt_regs *', 'ctx', 17],
      ['int', 'sockfd', 18],
      ['struct sockaddr *', 'addr', 19],
      ['size_t *', 'addrlen', 20],
      ['int', 'flags', 21],
    ],
    'a comma inside a comment does not split a parameter',
  );
  t.equal(shapes.slice(accept.start, accept.start + 4), 'int ');
});

t.test('specifiers and attributes before the name belong to the signature', async (t) => {
  const ret = findHookDefinitions(shapes)[1]!;
  t.equal(ret.name, 'syscall__probe_ret_accept4');
  t.ok(shapes.slice(ret.start).startsWith('static __attribute__((always_inline)) int'), 'starts at `static`');
  t.equal(ret.startLine, 28);
  t.equal(ret.nameLine, 29);
  t.same(ret.parameters.map((p) => [p.type, p.name]), [['struct pt_regs*', 'ctx']], '`pt_regs*ctx` without spaces');
});

t.test('one-line definitions, renamed context, arrays, unnamed and void parameters', async (t) => {
  const [, , read, readRet, close, closeRet] = findHookDefinitions(shapes);
  t.same(
    read!.parameters.map((p) => [p.type, p.name]),
    [
      ['struct pt_regs*', 'context'],
      ['int', 'fd'],
      ['char *', 'buf'],
      ['size_t', null],
    ],
    'a comment between type and name is dropped; `char buf[]` is a pointer; `size_t` alone has no name',
  );
  t.equal(read!.bodyLine, 33);
  t.equal(read!.endLine, 33);
  t.same(readRet!.parameters, [], '(void) is no parameters');
  t.same(closeRet!.parameters, [], '() is no parameters');
  t.equal(close!.endLine, 40, 'nested braces are balanced');
});

t.test('sources with no hooks, unbalanced text, and CRLF line ends', async (t) => {
  t.same(findHookDefinitions(''), []);
  t.same(findHookDefinitions('int main(void) { return 0; }'), []);
  t.same(findHookDefinitions('int syscall__probe_entry_read(struct pt_regs *ctx'), [], 'an unterminated parameter list');
  const open = findHookDefinitions('int syscall__probe_entry_read(struct pt_regs *ctx) {\n  return 0;\n');
  t.equal(open.length, 1, 'an unterminated body is still a definition');
  t.equal(open[0]!.end, 'int syscall__probe_entry_read(struct pt_regs *ctx) {\n  return 0;\n'.length, 'it runs to the end of the source');
  const crlf = findHookDefinitions('// x\r\nint syscall__probe_ret_read(struct pt_regs *ctx)\r\n{\r\n  return 0;\r\n}\r\n');
  t.equal(crlf[0]!.nameLine, 2);
  t.equal(crlf[0]!.bodyLine, 3);
  const continued = findHookDefinitions(
    '#define X(a) \\\n  int syscall__probe_entry_read(struct pt_regs *ctx) { return a; }\nint y;\n',
  );
  t.same(continued, [], 'a definition inside a multi-line #define is not a hook definition');
});
