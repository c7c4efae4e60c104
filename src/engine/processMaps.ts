// Which file of a library a process really maps: uprobes go on that file (an inode), so the
// path must come from the process itself — /proc/PID/maps — never from a guess like
// /usr/lib/x86_64-linux-gnu/libssl.so.3, which differs between distributions and versions.
import { readFileSync } from 'node:fs';

/** What a process maps of a library whose file name starts `name.so` (e.g. libssl → libssl.so.3). */
export function findMappedLibrary(mapsText: string, name: string): string | undefined {
  const pattern = new RegExp(`/${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}\\.so(\\.[0-9.]+)?$`);
  for (const line of mapsText.split('\n')) {
    // address perms offset dev inode path — the path is everything after the fifth field.
    const fields = /^\S+\s+\S+\s+\S+\s+\S+\s+\d+\s+(.*)$/.exec(line);
    const file = fields?.[1]?.trim();
    if (file?.startsWith('/') && pattern.test(file)) return file;
  }
  return undefined;
}

export class LibraryNotMappedError extends Error {
  constructor(
    readonly pid: number,
    readonly library: string,
  ) {
    super(`process ${pid} does not use ${library} (no ${library}.so in /proc/${pid}/maps): its TLS is not OpenSSL's shared library, so uprobes on ${library} cannot see it`);
    this.name = 'LibraryNotMappedError';
  }
}

/** The path of `library` (e.g. "libssl") as process `pid` maps it; throws LibraryNotMappedError. */
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
