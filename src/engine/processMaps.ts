// Which file of a library a process really maps: uprobes go on that file (an inode), so the
// path must come from the process itself — /proc/PID/maps — never from a guess like
// /usr/lib/x86_64-linux-gnu/libssl.so.3, which differs between distributions and versions.
import { readFileSync } from 'node:fs';
import { escapeRegExp } from '../c/cSource.js';

/** A library's file name stem: `ssl` (a track's short name) and `libssl` are both `libssl`. */
function libraryStem(library: string): string {
  return library.startsWith('lib') ? library : `lib${library}`;
}

/** What a process maps of a library: `ssl` or `libssl` → the first file named libssl.so[.N…]. */
export function findMappedLibrary(mapsText: string, library: string): string | undefined {
  const name = libraryStem(library);
  const pattern = new RegExp(`/${escapeRegExp(name)}\\.so(\\.[0-9.]+)?$`);
  for (const line of mapsText.split('\n')) {
    // address perms offset dev inode path — the path is everything after the fifth field.
    const fields = /^\S+\s+\S+\s+\S+\s+\S+\s+\d+\s+(.*)$/.exec(line);
    const file = fields?.[1]?.trim();
    if (file?.startsWith('/') && pattern.test(file)) return file;
  }
  return undefined;
}

export class LibraryNotMappedError extends Error {
  readonly library: string;

  constructor(
    readonly pid: number,
    library: string,
  ) {
    const name = libraryStem(library);
    super(`process ${pid} does not use ${name} (no ${name}.so in /proc/${pid}/maps): uprobes on ${name} cannot see what it does`);
    this.library = name;
    this.name = 'LibraryNotMappedError';
  }
}

/** The path of `library` (`ssl` or `libssl`) as process `pid` maps it; throws LibraryNotMappedError. */
export function mappedLibrary(pid: number, library: string): string {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read /proc/${pid}/maps (${code ?? String(error)}): ${code === 'ENOENT' ? 'the process has exited' : 'run as root'}`);
  }
  const file = findMappedLibrary(maps, library);
  if (!file) throw new LibraryNotMappedError(pid, library);
  return file;
}
