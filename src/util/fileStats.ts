// Looking at a path that may not be there, or not be reachable: the answer is null, not an
// exception. (Writing goes through learnerFiles.ts.)
import { lstatSync, statSync, type Stats } from 'node:fs';

/** The stats of what the path leads to, following links; null when nothing can be reached there. */
export function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/** The path's own stats (a link as a link); null when there is nothing there. */
export function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}
