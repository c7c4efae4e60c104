// A CheckReport as the learner reads it in a terminal: one line per check, failures with
// their file:line, hint and (with --verbose) the raw output behind them.
import { colorWanted, terminalSafe } from '../util/terminalText.js';
import { formatLocation } from '../errors/workshopError.js';
import type { CheckReport, CheckResult } from './checkReport.js';

export interface FormatOptions {
  color: boolean;
  verbose?: boolean;
  /** How the hooks attach, in the track's words (attachDescription); else "<attachMode> mode". */
  attach?: string;
}

/** `text` in an SGR colour (`code`: '31' red, '32' green…) when `on`, else as it is. */
export const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

function mark(check: CheckResult, color: boolean): string {
  if (check.status === 'pass') return paint(color, '32', '✓');
  if (check.status === 'fail') return paint(color, '31', '✗');
  return paint(color, '2', '–');
}

export function formatReport(report: CheckReport, options: FormatOptions): string {
  const { color } = options;
  const lines = [`${report.file}: level ${report.level}, ${options.attach ?? `${report.attachMode} mode`}`];
  for (const check of report.checks) {
    lines.push(`  ${mark(check, color)} ${check.title}${check.status === 'pass' ? paint(color, '2', ` — ${check.message}`) : ''}`);
    if (check.status === 'skip') {
      lines.push(paint(color, '2', `      ${check.message}`));
      continue;
    }
    if (check.status !== 'fail') continue;
    const where = check.location ? `${formatLocation(check.location)}: ` : '';
    // Messages and raw output quote the learner's source: escapes in it are shown, not obeyed.
    lines.push(`      ${where}${terminalSafe(check.message)}`);
    if (check.hint) lines.push(`      ${paint(color, '36', 'hint:')} ${terminalSafe(check.hint)}`);
    if (options.verbose && check.raw) lines.push('', ...terminalSafe(check.raw.trimEnd(), { keepNewlines: true, keepTabs: true }).split('\n').map((l) => `        ${l}`), '');
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const passed = report.checks.filter((c) => c.status === 'pass').length;
  if (report.passed) lines.push(paint(color, '32', `level ${report.level} passed (${passed} checks)`));
  else {
    lines.push(paint(color, '31', `level ${report.level} not passed yet: ${failed} failed, ${passed} passed`));
    if (!options.verbose && report.checks.some((c) => c.raw)) lines.push('  --verbose shows the compiler\'s output or the verifier\'s log');
  }
  if (report.capture.exchanges.length > 0) {
    const first = report.capture.exchanges[0]!;
    const parts = [first.request, first.response].map((payload) => payload.split('\r\n')[0]).filter(Boolean);
    lines.push(`  captured, e.g.: ${terminalSafe(parts.join(' → '))}`);
  }
  return lines.join('\n');
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && colorWanted();
}
