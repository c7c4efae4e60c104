import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isError, parseClangDiagnostics, type Diagnostic } from '../../src/engine/diagnostics.js';
import { explainCompileError } from '../../src/diagnose/index.js';
import { contractNames as trackNames, loadTrack } from '../../src/tracks/tracks.js';

const contractNames = () => trackNames(loadTrack('http'));
import { fixtureText } from '../helpers/fixtures.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'clang-mistakes');
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
/** The learner file a recording was made from (clang-mistakes/manifest.json). */
const learnerText = (name: string) => fixtureText('clang-mistakes', `${name}.c`);

/** The first error clang printed for a recorded mistake, explained as the app explains it. */
function explainFirst(name: string, knownNames: string[] = contractNames()) {
  const diagnostic = parseClangDiagnostics(read(`${name}.stderr`)).find(isError);
  if (!diagnostic) throw new Error(`${name}.stderr holds no error`);
  return { diagnostic, ...explainCompileError(diagnostic, { source: learnerText(name), knownNames }) };
}

interface Expectation {
  line: number;
  message: RegExp[];
  hint: RegExp[];
}

const expectations: Record<string, Expectation> = {
  'misspelt-map': {
    line: 104,
    message: [/`active_accept_arg_map` is not declared/],
    hint: [/^Did you mean `active_accept_args_map`\?$/],
  },
  'map-declared-below': {
    // clang suggests active_accept_args_map here: the real cause is the order.
    line: 211,
    message: [/`active_read_args_map` is used here, but declared only on line 228/],
    hint: [/move the declaration of `active_read_args_map` \(line 228\) above line 211/],
  },
  'missing-map': {
    line: 103,
    message: [/`active_accept_args_map` is not declared yet/],
    hint: [/Declare `active_accept_args_map` above the code that uses it/],
  },
  'misspelt-field': {
    line: 84,
    message: [/`struct socket_open_event_t` has no field `timestamp`/],
    hint: [/Did you mean `timestamp_ns`\?/],
  },
  'missing-semicolon': {
    line: 306,
    message: [/A `;` is missing/],
    hint: [/Add `;` after `uint64_t id = bpf_get_current_pid_tgid\(\)` on line 306/],
  },
  'socklen-t': {
    line: 99,
    message: [/`socklen_t`/, /user-space header/],
    hint: [/`size_t\* addrlen`/],
  },
  'implicit-declaration': {
    // The error is at the definition (line 102); the mistake is the call above it.
    line: 102,
    message: [/`process_syscall_accept` is called on line 95, before its definition on line 102/],
    hint: [/move the definition of `process_syscall_accept` above `syscall__probe_ret_accept4`/],
  },
  'incomplete-type': {
    line: 54,
    message: [/`struct conn_id_t` is used here, but defined only on line 68/],
    hint: [/move `struct conn_id_t` \(line 68\) above line 54/],
  },
  'sizeof-incomplete': {
    line: 92,
    message: [/`struct socket_data_event_t` is used here, but defined only on line 145/],
    hint: [/above line 92/],
  },
  'struct-keyword': {
    line: 59,
    message: [/`conn_id_t` is a struct/],
    hint: [/Write `struct conn_id_t`/],
  },
  'big-stack': {
    line: 218,
    message: [/`syscall__probe_ret_read` needs more than the 512 bytes of stack/],
    hint: [/DATA_LEN is 600/, /struct socket_data_event_t/, /400/],
  },
};

for (const [name, expected] of Object.entries(expectations)) {
  t.test(name, async (t) => {
    const { diagnostic, message, hint } = explainFirst(name);
    t.equal(diagnostic.file, `${name}.c`, "clang names the learner's file");
    t.equal(diagnostic.line, expected.line, 'line');
    for (const pattern of expected.message) t.match(message, pattern, `message: ${pattern}`);
    for (const pattern of expected.hint) t.match(hint, pattern, `hint: ${pattern}`);
    t.not(message, diagnostic.message, 'reworded, not passed through');
    t.notMatch(message, /tracepoint__syscalls/, "functions go by the learner's names");
  });
}

t.test('misspellings are found without clang\'s own suggestion too', async (t) => {
  const { diagnostic } = explainFirst('misspelt-map');
  const bare: Diagnostic = { ...diagnostic, message: "use of undeclared identifier 'active_accept_arg_map'" };
  t.match(explainCompileError(bare, { source: learnerText('misspelt-map') }).hint, /Did you mean `active_accept_args_map`\?/, 'from the learner\'s declarations');
  const withoutMap = learnerText('missing-map');
  const typo: Diagnostic = { ...diagnostic, line: 103, message: "use of undeclared identifier 'active_accept_arg_map'" };
  const explained = explainCompileError(typo, { source: withoutMap, knownNames: contractNames() });
  t.match(explained.hint, /Did you mean `active_accept_args_map`\? It is not declared in your file yet either/, "from the tutorial's names");
});

t.test("LLVM's stack-limit line as the brief recorded it (kprobe mode, no #line)", async (t) => {
  const line =
    'error: /virtual/main.c:256:12: in function syscall__probe_ret_read i32 (%struct.pt_regs*): Looks like the BPF stack limit of 512 bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.\n';
  const [diagnostic] = parseClangDiagnostics(line);
  const bigStack = learnerText('big-stack');
  const explained = explainCompileError(diagnostic!, { source: bigStack });
  t.match(explained.message, /`syscall__probe_ret_read` needs more than the 512 bytes/);
  t.match(explained.hint, /DATA_LEN is 600/);
  const solution = bigStack.replace('#define DATA_LEN 600', '#define DATA_LEN 400');
  t.match(explainCompileError(diagnostic!, { source: solution }).hint, /^Its local variables are too big together/, 'no blame on DATA_LEN when it is the tutorial\'s');
});

t.test('warnings recorded with the verifier fixtures', async (t) => {
  const verifier = path.join(import.meta.dirname, '..', 'fixtures', 'verifier');
  const warning = (name: string): Diagnostic => JSON.parse(readFileSync(path.join(verifier, `${name}.warnings.json`), 'utf8'))[0];
  const source = (name: string) => fixtureText('verifier', `${name}.c`);

  const helper = explainCompileError(warning('misspelt-helper'), { source: source('misspelt-helper') });
  t.match(helper.message, /`bpf_get_current_pid_tigd` is neither a function defined above this line nor a BPF helper/);
  t.equal(helper.hint, 'Did you mean `bpf_get_current_pid_tgid`?');

  const noReturn = explainCompileError(warning('empty-hook'), { source: source('empty-hook') });
  t.match(noReturn.message, /`syscall__probe_entry_close` can reach its end without returning a value/);
  t.match(noReturn.hint, /return 0;/);
});

t.test('other clang shapes', async (t) => {
  const source = 'struct conn_id_t {\n  uint32_t pid;\n}\nint f(void) {\n  uint46_t x = 0;\n  return x;\n}\n';
  const at = (line: number, column: number, message: string): Diagnostic => ({ file: 'clean.c', line, column, severity: 'error', message });
  t.match(explainCompileError(at(3, 2, "expected ';' after struct"), { source }).hint, /ends with `\};`/);
  t.equal(explainCompileError(at(5, 3, "unknown type name 'uint46_t'"), { source }).hint, 'Did you mean `uint64_t`?');
  t.match(explainCompileError(at(5, 3, "unknown type name 'conn_id_t'"), { source }).hint, /Write `struct conn_id_t`/);
  t.match(
    explainCompileError(at(5, 3, "call to undeclared function 'bpf_ktime_get_nss'; ISO C99 and later do not support implicit function declarations"), { source }).hint,
    /Did you mean `bpf_ktime_get_ns`\?/,
    "newer clang's wording of the implicit declaration",
  );
  const unknown = explainCompileError(at(5, 3, 'something clang says rarely [-Wodd]'), { source });
  t.equal(unknown.message, 'Something clang says rarely.', 'passed through as a sentence, flag dropped');
  t.match(unknown.hint, /raw compiler output/);
});

t.test('a misspelt local or parameter gets a did-you-mean from the function it is in', async (t) => {
  const solution = readFileSync(path.join(import.meta.dirname, '..', '..', 'solution.c'), 'utf8');
  const lines = solution.split('\n');
  const at = lines.findIndex((l) => l.includes("if (buf[0] == 'H'"));
  lines[at] = lines[at]!.replace('buf[0]', 'bfu[0]');
  const typo: Diagnostic = { file: 'clean.c', line: at + 1, column: 7, severity: 'error', message: "use of undeclared identifier 'bfu'" };
  const explained = explainCompileError(typo, { source: lines.join('\n'), knownNames: contractNames() });
  t.match(explained.message, /`bfu` is not declared/);
  t.equal(explained.hint, 'Did you mean `buf`?', 'the parameter of is_http_connection, not a tutorial name');
});

t.test("escapes in the learner's file appear as visible codes, in diagnoses and in the excerpt", async (t) => {
  const { codeExcerpt } = await import('../../src/app/codeExcerpt.js');
  // An OSC sequence that would retitle the terminal, in a string literal and a comment.
  const source = 'int f(void) {\n  char *s = "\x1b]0;pwned\x07"\n  return 0; // \x1b[2J\n}\n';
  const at: Diagnostic = { file: 'clean.c', line: 2, column: 26, severity: 'error', message: "expected ';' at end of declaration" };
  const explained = explainCompileError(at, { source });
  t.match(explained.hint, /\\x1b\]0;pwned\\x07/, 'the quoted line shows the bytes as codes');
  t.notMatch(`${explained.message}\n${explained.hint}`, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control byte reaches the terminal');
  const excerpt = codeExcerpt(source, 2).map((l) => l.text).join('\n');
  t.match(excerpt, /\\x1b\]0;pwned\\x07/);
  t.match(excerpt, /\/\/ \\x1b\[2J/);
  t.notMatch(excerpt, /[\x00-\x08\x0b-\x1f\x7f]/);
});
