// Looking at a file that may not be there, or not be readable: the answer is null (or empty
// text), not an exception. (Writing goes through learnerFiles.ts.)
import { lstatSync, readFileSync, statSync, type Stats } from 'node:fs';

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

/** The file's text (UTF-8); '' when it cannot be read — for files that only add to what is known. */
export function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
