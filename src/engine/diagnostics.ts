// Turns what clang (through libbcc) printed into structured diagnostics. Clang's format is
// `file:line:column: severity: message`, followed by the offending source line and a caret;
// libbcc adds lines of its own without a location.

export type Severity = 'fatal' | 'error' | 'warning' | 'note';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** The source line and caret clang printed under the message, when it did. */
  excerpt?: string;
}

const LOCATED = /^(.+?):(\d+):(\d+): (fatal error|error|warning|note): (.*)$/;
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
    const m = LOCATED.exec(line);
    if (m) {
      finish();
      current = {
        file: m[1]!,
        line: Number(m[2]),
        column: Number(m[3]),
        severity: m[4] === 'fatal error' ? 'fatal' : (m[4] as Severity),
        message: m[5]!,
      };
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

/** libbcc's own complaints (no file:line), e.g. missing kernel headers. */
export function unlocatedMessages(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !LOCATED.test(l) && !SUMMARY.test(l) && !/^\s*[\^~ ]+$/.test(l));
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error' || d.severity === 'fatal';
}
