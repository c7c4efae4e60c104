// Reading a track's C files and Markdown the way its content tests compare them: code lines
// without comments, snippets found in order in a file, the hooks and maps a file defines.

/** The file's code lines: comments removed, trimmed, blank lines dropped. */
export function codeLines(source: string): string[] {
  return source
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, '').trim())
    .filter((line) => line !== '');
}

/** Whether every line of `snippet` appears in `file`, in order (other lines may sit between). */
export function appearsInOrder(snippet: string[], file: string[]): boolean {
  let at = 0;
  for (const line of snippet) {
    at = file.indexOf(line, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/** Everything after the file's leading comment block. */
export function withoutHeader(source: string): string {
  return source.replace(/^(\/\/.*\n)+\n?/, '');
}

/** The ```c blocks of a Markdown text, in order. */
export function cCodeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```c\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The code of a hint that gives it exactly ("The hooks, exactly:\n…"), or undefined. */
export function exactHintCode(hint: string): string | undefined {
  return /exactly:\n/.test(hint) ? hint.slice(hint.indexOf('\n') + 1) : undefined;
}

/** Names of the `int name(` functions a C file defines at the start of a line whose names match `pattern`, sorted. */
export function definedFunctions(source: string, pattern: RegExp): string[] {
  return [...source.matchAll(/^int\s+(\w+)\s*\(/gm)].map((m) => m[1]!).filter((name) => pattern.test(name)).sort();
}

/** The maps a C file declares with the BPF_ macros `macros` (HASH, PERF_OUTPUT, …), sorted. */
export function declaredMaps(source: string, macros: string[] = ['HASH', 'PERF_OUTPUT']): string[] {
  return [...source.matchAll(new RegExp(`^BPF_(?:${macros.join('|')})\\((\\w+)`, 'gm'))].map((m) => m[1]!).sort();
}
