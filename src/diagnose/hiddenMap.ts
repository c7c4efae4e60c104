// A map hidden by a local variable of the same name. The TLS track's map is called `pid`, and
// `uint32_t pid = id >> 32;` is what a learner writes first to get the process id: from that
// line on, `pid.lookup(&zero)` means the number, and clang says "member reference base type
// 'uint32_t' is not a structure or union", which says nothing of the map.
import type { Diagnostic } from '../engine/diagnostics.js';
import { escapeRegExp, type CSource } from '../c/cSource.js';

export const MEMBER_OF_NON_STRUCT = /member reference base type '([^']+)'(?: \(aka '[^']+'\))? is not a structure or union/;

/** The explanation when the name before the `.` clang points at is a map of the file; else undefined. */
export function explainHiddenMap(d: Diagnostic, source: CSource): { code: 'COMPILE_MAP_HIDDEN'; message: string; hint: string } | undefined {
  const text = source.codeLine(d.line);
  if (!text || !d.column) return undefined;
  const name = /([A-Za-z_]\w*)\s*(?:\.|->)?\s*$/.exec(text.slice(0, d.column - 1))?.[1];
  const map = name ? source.maps().find((m) => m.name === name) : undefined;
  if (!name || !map) return undefined;
  const fn = source.functionAt(d.line);
  const type = MEMBER_OF_NON_STRUCT.exec(d.message)?.[1] ?? 'a number';
  const declaredAt = fn ? localDeclarationLine(source, name, fn.bodyLine, d.line) : undefined;
  const where = declaredAt !== undefined ? `the local variable declared on line ${declaredAt}` : `a variable or parameter of ${fn ? `\`${fn.name}\`` : 'this function'}`;
  return {
    code: 'COMPILE_MAP_HIDDEN',
    message: `\`${name}\` here is ${where} (a ${type}), not your map \`${name}\` (line ${map.line}): the variable hides the map.`,
    hint: `Rename the variable (\`current_pid\`, say) everywhere it is used; \`${name}.${methodAfter(text, d.column)}(…)\` then reaches the map again.`,
  };
}

function localDeclarationLine(source: CSource, name: string, from: number, to: number): number | undefined {
  const declaration = new RegExp(`\\b[A-Za-z_]\\w*\\s*\\*?\\s*\\b${escapeRegExp(name)}\\s*(?:=|;|,|\\[)`);
  for (let line = from; line <= to; line++) {
    const text = source.codeLine(line) ?? '';
    if (declaration.test(text) && !/\breturn\b/.test(text)) return line;
  }
  return undefined;
}

function methodAfter(line: string, column: number): string {
  return /^\s*(?:\.|->)\s*(\w+)/.exec(line.slice(column - 1))?.[1] ?? 'lookup';
}
