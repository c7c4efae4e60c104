// Loads the native addon from the package's own build directory, wherever the package lives.
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Addon } from './bccAddon.js';

/** The package root: src/native or dist/native, two levels up. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where CMake puts the small native programs (demo server, load generator). */
export const nativeBinDir = path.join(packageRoot, 'build', 'bin');

let loaded: Addon | undefined;

export function addon(): Addon {
  if (loaded) return loaded;
  const file = path.join(packageRoot, 'build', 'Release', 'bcc_addon.node');
  if (!statSync(file, { throwIfNoEntry: false })) {
    throw new Error(
      `the native addon is not built (${file} is missing): run \`./scripts/setup.sh\` or \`npm run build\``,
    );
  }
  loaded = createRequire(import.meta.url)(file) as Addon;
  return loaded;
}
