/**
 * Secret files (key material): created 0600 inside 0700 directories, written atomically
 * (temporary file, fsync, rename) so a crash never leaves a half-written key, and read only
 * if no one else can read them. Private directories: created 0700, refused if open to others.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

export class InsecureFileError extends Error {
  override readonly name = 'InsecureFileError';
}

export function writeSecretFile(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The file's text, or undefined if it does not exist; throws InsecureFileError if others can read it. */
export function readSecretFile(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) throw new InsecureFileError(`${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  return readFileSync(path, 'utf8');
}

/**
 * Creates `path` (and any missing parent) mode 0700, or checks that an existing one is a
 * directory no other user may read, write or enter: what is inside (keys, a plaintext archive)
 * is protected by this mode first. Throws InsecureFileError, with the command that fixes it.
 */
export function ensurePrivateDirectory(path: string): void {
  let stat = statOrUndefined(path);
  if (stat === undefined) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    stat = statSync(path);
  }
  if (!stat.isDirectory()) throw new InsecureFileError(`${path} is not a directory`);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) throw new InsecureFileError(`${path} is open to other users (mode ${mode.toString(8)}); run: chmod 700 ${path}`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
