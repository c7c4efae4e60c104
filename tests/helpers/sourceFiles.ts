// The TypeScript sources below a folder, for tests that read src/ as text (its import layers,
// the error codes it uses).
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every .ts and .tsx file below `dir` (declaration files left out), recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
