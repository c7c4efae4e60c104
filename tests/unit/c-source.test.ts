import t from 'tap';
import { callArguments, CSource } from '../../src/c/cSource.js';
import { tokenize } from '../../src/c/lexer.js';
import { explainCompileError } from '../../src/diagnose/index.js';
import { blankCommentsAndLiterals } from '../../src/c/cSource.js';
import { fixtureText } from '../helpers/fixtures.js';

// A learner's whole program: solution.c with the one-line unbounded-read mistake of the verifier
// fixtures. The lines asked for below are looked up in the text, so they follow solution.c.
const solution = fixtureText('verifier', 'unbounded-read.c');

t.test('comments and literals are blanked, lines and offsets kept', async (t) => {
  const text = 'int a; // { not a brace\nchar *s = "}{";\n/* {\n */ char c = \'{\';\n';
  const code = blankCommentsAndLiterals(text);
  t.equal(code.length, text.length);
  t.equal(code.split('\n').length, text.split('\n').length);
  t.notMatch(code, /[{}]/, 'no brace survives from comments or literals');
  t.match(code, /char \*s = "  ";/);
});

t.test("the tutorial program's functions, structs and maps, with their lines", async (t) => {
  const source = new CSource(solution);
  const line = (needle: string) => solution.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const hook = source.function('syscall__probe_ret_accept4')!;
  t.equal(hook.line, line('int syscall__probe_ret_accept4('));
  t.equal(hook.endLine, line('int syscall__probe_ret_accept4(') + 11, 'the body ends at its closing brace');
  t.same(
    source.functions().map((f) => f.name),
    [
      'create_conn_id', 'process_syscall_accept', 'syscall__probe_entry_accept4', 'syscall__probe_ret_accept4',
      'is_http_connection', 'process_data', 'syscall__probe_entry_read', 'syscall__probe_ret_read',
      'syscall__probe_entry_write', 'syscall__probe_ret_write', 'process_syscall_close',
      'syscall__probe_entry_close', 'syscall__probe_ret_close',
    ],
  );
  t.equal(source.aggregate('struct', 'conn_id_t')?.line, line('struct conn_id_t {'));
  t.same(source.fields('struct', 'socket_data_event_t'), ['timestamp_ns', 'conn_id', 'direction', 'msg_size', 'msg']);
  t.same(
    source.maps().map((m) => [m.name, m.valueType]),
    [
      ['active_accept_args_map', 'struct accept_args_t'],
      ['socket_open_events', undefined],
      ['active_read_args_map', 'struct data_args_t'],
      ['socket_data_events', undefined],
      ['active_write_args_map', 'struct data_args_t'],
      ['active_close_args_map', 'struct close_args_t'],
      ['socket_close_events', undefined],
    ],
  );
  const declarations = source.declarations();
  t.equal(declarations.get('DATA_LEN'), line('#define DATA_LEN'));
  t.equal(declarations.get('kIngress'), line('kIngress,'), 'enumerators count as declarations');
});

t.test('what a hook reaches, which function a line is in, declared types, call arguments', async (t) => {
  const source = new CSource(solution);
  t.same(source.reach('syscall__probe_ret_read').map((f) => f.name), ['syscall__probe_ret_read', 'process_data', 'is_http_connection', 'create_conn_id']);
  const submit = solution.split('\n').findIndex((l) => l.includes('socket_close_events.perf_submit')) + 1;
  t.equal(source.functionAt(submit)?.name, 'process_syscall_close');
  t.equal(source.declaredType('close_event', submit), 'struct socket_close_event_t');
  t.equal(source.declaredType('args', solution.split('\n').findIndex((l) => l.includes('args->addr);')) + 1), 'const struct accept_args_t*');
  t.same(callArguments(source, submit, /\.perf_submit/), ['ctx', '&close_event', 'sizeof(struct socket_close_event_t)']);
  t.equal(callArguments(source, submit, /\bbpf_probe_read/), undefined, 'no such call on that line');
});

t.test('the C reader: tokens, directives, literals and definitions', async (t) => {
  const text = [
    '#include <linux/ptrace.h>',
    '#define OPEN "{" /* { */ \\',
    '  "}"',
    'a # b;',
    "char c = '\\'';",
    'const char *s = "a\\\\";',
    'typedef struct conn_id_t { int fd; } conn_t;',
    'enum dir { kEgress = 0, kIngress };',
    'static __attribute__((always_inline)) int',
    'helper(int x, char buf[16], struct sockaddr *) { u64 id = 0, *p; char *msg; return x; }',
    'int prototype(void);',
  ].join('\n');
  const tokens = tokenize(text).filter((tk) => tk.kind !== 'comment');
  t.same(tokens.slice(0, 2).map((tk) => tk.kind), ['directive', 'directive'], 'a directive is one token, continuation included');
  t.equal(tokens[1]!.text, '#define OPEN "{" /* { */ \\\n  "}"');
  t.same(tokens.slice(2, 5).map((tk) => [tk.kind, tk.text]), [['word', 'a'], ['punct', '#'], ['word', 'b']], 'a # inside a line is punctuation');
  const source = new CSource(text);
  t.notMatch(source.code.split('\n').slice(0, 6).join('\n'), /[{}]/, 'no brace survives from the directive, literals or comments');
  t.equal(source.code.length, text.length);
  t.same(source.functions().map((f) => [f.name, f.line, f.startLine]), [['helper', 10, 9]], 'the prototype is no definition; the definition starts at its attribute');
  t.same(source.functions()[0]!.parameters.map((p) => [p.type, p.name]), [['int', 'x'], ['char *', 'buf'], ['struct sockaddr *', null]]);
  t.same(source.aggregates().map((a) => [a.kind, a.name]), [['struct', 'conn_id_t'], ['enum', 'dir']]);
  t.same([...source.declarations()], [['OPEN', 2], ['conn_t', 7], ['conn_id_t', 7], ['dir', 8], ['kEgress', 8], ['kIngress', 8], ['helper', 10]]);
  t.same(source.localNames(10), ['x', 'buf', 'id', 'msg'], 'parameters, then locals');
  t.equal(source.declaredType('msg', 10), 'char*');
  t.equal(source.defined('OPEN')?.line, 2);
});

t.test('a 200 000-character identifier is read in linear time', async (t) => {
  // Regular expressions that retried `\w*` at every position of a long word took ~2 s for
  // 40 000 characters and four times that for twice as many.
  const long = 'x'.repeat(200_000);
  const text = [
    `typedef unsigned long ${long} y;`,
    `enum e { ${long} z };`,
    `struct s { int ${long} w; char m[4]; };`,
    `BPF_HASH(${long}, u64, struct s);`,
    `int f(int a) { u64 ${long} q = 0; ${long}(a); return ${long}.lookup(&a) ? 0 : 1; }`,
  ].join('\n');
  const started = performance.now();
  const source = new CSource(text);
  source.declarations();
  source.fields('struct', 's');
  source.localNames(5);
  source.declaredType(long, 5);
  source.reach('f');
  source.methodsCalledOn(long);
  callArguments(source, 5, /\.lookup/);
  explainCompileError({ file: 'clean.c', line: 5, column: 1, severity: 'error', message: `use of undeclared identifier '${long}'` }, { source: text });
  const elapsed = performance.now() - started;
  t.ok(elapsed < 1000, `read and diagnosed in ${Math.round(elapsed)} ms (linear: tens of ms; quadratic: minutes)`);
});
