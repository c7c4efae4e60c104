// Every file the workshop writes on the learner's behalf goes through here. We usually run as
// root, in a directory the learner (or anyone who can write there) controls, so:
//  - nothing is opened through a symbolic link (O_NOFOLLOW), and new files are new (O_EXCL):
//    a dangling `clean.c` link must not make root create the link's target;
//  - the learner gets what we create by fchown on the open descriptor, never by path;
//  - whole-file replacements go to a fresh temporary file renamed over the old one, in a
//    directory checked to be the same one before and after (not swapped for a link);
//  - an in-place write (which editors watching the file keep) goes only into a regular file
//    with one link, reached without following a link.
import { closeSync, constants, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, ftruncateSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { invokingUser } from './invokingUser.js';
import { lstatOrNull } from './optionalFiles.js';
import { isWorkshopError, WorkshopError } from '../errors/workshopError.js';

export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * A write the workshop refused to make, or could not (FILE_WRITE_REFUSED): the message names
 * the file and why; `detail` is the errno's name. The machine's, not a bug (exit 2).
 */
export function learnerFileError(message: string, errno: string | undefined): WorkshopError {
  return new WorkshopError('FILE_WRITE_REFUSED', message, {
    hint: 'move the link or file out of the way, or fix the directory\'s permissions',
    detail: errno ?? null,
  });
}

/** Who should own what we create: the user behind sudo when we are root under sudo, else no change. */
export function learnerOwner(env: NodeJS.ProcessEnv = process.env): FileOwner | null {
  if (process.getuid?.() !== 0) return null;
  const user = invokingUser(env);
  return user ? { uid: user.uid, gid: user.gid } : null;
}

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = constants;

function isLink(file: string): boolean {
  return lstatOrNull(file)?.isSymbolicLink() ?? false;
}

function failure(file: string, what: string, error: unknown): WorkshopError {
  const code = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW says ELOOP for a file, ENOTDIR with O_DIRECTORY, EEXIST with O_EXCL.
  const why =
    code === 'ELOOP' || ((code === 'ENOTDIR' || code === 'EEXIST') && isLink(file)) ? `${file} is a symbolic link, and the workshop writes through no link`
    : code === 'EEXIST' ? `${file} already exists`
    : code === 'EISDIR' ? `${file} is a directory`
    : `${what} ${file} failed (${code ?? (error as Error).message})`;
  return isWorkshopError(error, 'FILE_WRITE_REFUSED') ? error : learnerFileError(why, code);
}

function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
}

function giveFd(fd: number, owner: FileOwner | null): void {
  if (owner) fchownSync(fd, owner.uid, owner.gid);
}

/** Creates file, which must not exist yet (not even as a dangling link), owned by the learner. */
export function createFile(file: string, data: Buffer | string, owner = learnerOwner(), mode = 0o644): void {
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  } catch (error) {
    throw failure(file, 'creating', error);
  }
  try {
    giveFd(fd, owner);
    writeAll(fd, Buffer.from(data));
  } catch (error) {
    closeSync(fd);
    unlinkSync(file);
    throw failure(file, 'writing', error);
  }
  closeSync(fd);
}

function sameDirectory(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Replaces file whole: a fresh temporary file beside it (O_EXCL, O_NOFOLLOW), owned by the
 * learner, renamed over it. The rename replaces a link at file rather than writing through it.
 */
export function replaceFile(file: string, data: Buffer | string, owner = learnerOwner()): void {
  const dir = path.dirname(path.resolve(file));
  let dirFd: number;
  try {
    dirFd = openSync(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    throw failure(dir, 'opening the directory', error);
  }
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const before = fstatSync(dirFd);
    createFile(temp, data, owner, 0o644);
    // The directory we wrote in must still be the one at its path: not swapped for a link.
    const after = lstatOrNull(dir); // null: gone
    if (!after || !after.isDirectory() || !sameDirectory(before, after)) {
      throw learnerFileError(`${dir} changed while the workshop was writing ${path.basename(file)} in it; nothing was written`, 'ESTALE');
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw failure(file, 'writing', error);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Writes data into the existing file, in place (an editor holding it sees the change): only a
 * regular file with one link, opened without following a link.
 */
export function overwriteFile(file: string, data: Buffer | string): void {
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_NOFOLLOW);
  } catch (error) {
    throw failure(file, 'opening', error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw learnerFileError(`${file} is not a regular file; nothing was written`, 'EINVAL');
    if (stats.nlink > 1) throw learnerFileError(`${file} has other hard links; nothing was written to it`, 'EMLINK');
    ftruncateSync(fd, 0);
    writeAll(fd, Buffer.from(data));
  } catch (error) {
    throw failure(file, 'writing', error);
  } finally {
    closeSync(fd);
  }
}

/** Creates dir and any missing parents, each new one owned by the learner (by fd, not by path). */
export function ensureDirectory(dir: string, owner = learnerOwner()): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    try {
      if (!lstatSync(p).isDirectory() && !isDirectoryThroughLink(p)) throw learnerFileError(`${p} is not a directory`, 'ENOTDIR');
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || p === path.dirname(p)) throw failure(p, 'checking', error);
      missing.unshift(p);
    }
  }
  for (const p of missing) {
    try {
      mkdirSync(p, 0o755);
      const fd = openSync(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      try {
        giveFd(fd, owner);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw failure(p, 'creating the directory', error);
    }
  }
}

// A directory that existed before us may be reached through a link the learner made (a home on
// another disk): we only create below it, never write through it.
function isDirectoryThroughLink(p: string): boolean {
  try {
    const fd = openSync(p, O_RDONLY | O_DIRECTORY);
    closeSync(fd);
    return true;
  } catch {
    return false;
  }
}
