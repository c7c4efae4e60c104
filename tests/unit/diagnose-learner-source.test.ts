import t from 'tap';
import { callArguments, LearnerSource } from '../../src/diagnose/learnerSource.js';
import { blankCommentsAndLiterals } from '../../src/c/cText.js';
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
  const source = new LearnerSource(solution);
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
  const source = new LearnerSource(solution);
  t.same(source.reach('syscall__probe_ret_read').map((f) => f.name), ['syscall__probe_ret_read', 'process_data', 'is_http_connection', 'create_conn_id']);
  const submit = solution.split('\n').findIndex((l) => l.includes('socket_close_events.perf_submit')) + 1;
  t.equal(source.functionAt(submit)?.name, 'process_syscall_close');
  t.equal(source.declaredType('close_event', submit), 'struct socket_close_event_t');
  t.equal(source.declaredType('args', solution.split('\n').findIndex((l) => l.includes('args->addr);')) + 1), 'const struct accept_args_t*');
  t.same(callArguments(source, submit, /\.perf_submit/), ['ctx', '&close_event', 'sizeof(struct socket_close_event_t)']);
  t.equal(callArguments(source, submit, /\bbpf_probe_read/), undefined, 'no such call on that line');
});
