// Turns what clang (through libbcc) printed into structured diagnostics. Clang's format is
// `file:line:column: severity: message`, followed by the offending source line and a caret;
// libbcc adds lines of its own without a location. LLVM's backend (code generation, e.g. a
// BPF stack over 512 bytes) puts the severity first instead:
// `error: file:line:column: in function NAME TYPE: message`, with no excerpt.

import { isError, type Diagnostic, type Severity } from '../errors/workshopError.js';

export { isError, type Diagnostic, type Severity };

const LOCATED = /^(.+?):(\d+):(\d+): (fatal error|error|warning|note): (.*)$/;
const BACKEND = /^(fatal error|error|warning|note): (.+?):(\d+):(\d+): (.*)$/;
/** `in function NAME i32 (%struct.pt_regs*): ` — the IR signature means nothing to a learner. */
const BACKEND_FUNCTION = /^in function ([\w.$]+)(?: [^:]*)?: /;
const SUMMARY = /^\d+ (warning|error)s? (and \d+ (warning|error)s? )?generated\.$/;

export function parseClangDiagnostics(stderr: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  let excerpt: string[] = [];
  const finish = () => {
    if (current && excerpt.length) current.excerpt = excerpt.join('\n');
    excerpt = [];
  };
  for (const line of stderr.split('\n')) {
    const located = parseLocated(line);
    if (located) {
      finish();
      current = located;
      diagnostics.push(current);
    } else if (current && line.trim() !== '' && !SUMMARY.test(line.trim()) && excerpt.length < 2) {
      excerpt.push(line);
    } else if (line.trim() === '' || SUMMARY.test(line.trim())) {
      finish();
      current = undefined;
    }
  }
  finish();
  // libbcc runs clang more than once over the same text, so the same error can appear twice.
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.severity}:${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function parseLocated(line: string): Diagnostic | undefined {
  const frontend = LOCATED.exec(line);
  if (frontend) {
    const [, file, row, column, severity, message] = frontend;
    return located(file!, row!, column!, severity!, message!);
  }
  const backend = BACKEND.exec(line);
  if (backend) {
    const [, severity, file, row, column, message] = backend;
    return located(file!, row!, column!, severity!, message!.replace(BACKEND_FUNCTION, 'in function $1: '));
  }
  return undefined;
}

function located(file: string, line: string, column: string, severity: string, message: string): Diagnostic {
  return {
    file,
    line: Number(line),
    column: Number(column),
    severity: severity === 'fatal error' ? 'fatal' : (severity as Severity),
    message,
  };
}

/** libbcc's own complaints (no file:line), e.g. missing kernel headers. */
export function unlocatedMessages(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !parseLocated(l) && !SUMMARY.test(l) && !/^\s*[\^~ ]+$/.test(l));
}
