/**
 * Where a home's running terminal listens for the commands of that home (issue 11 item 1):
 * `<home>/terminal.sock`, which the home's 0700 mode already keeps to its owner. A Unix socket's
 * path is at most 107 bytes on Linux (sun_path); a home whose path is longer gets a short
 * fallback in a per-user 0700 directory under the system's temporary directory, named by a hash
 * of the home's real path, so a command finds the service with no pointer file to go stale.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotlineError } from '../errors.js';

/** sun_path is 108 bytes on Linux, the last one NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export class SocketPathError extends HotlineError {
  override readonly name = 'SocketPathError';
  constructor(message: string) {
    super('bad_socket_dir', message);
  }
}

/** The path of this home's socket; `prepare` makes the fallback directory (the service does, a command only looks). */
export function localSocketPath(home: string, options: { prepare?: boolean; tmp?: string } = {}): string {
  const real = realpathSync(home);
  const inHome = join(real, 'terminal.sock');
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const uid = process.getuid?.() ?? 0;
  const dir = join(options.tmp ?? tmpdir(), `hotline-${uid}`);
  if (options.prepare === true) mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkFallbackDir(dir, uid);
  const name = `${createHash('sha256').update(real).digest('hex').slice(0, 32)}.sock`;
  return join(dir, name);
}

/**
 * The fallback directory is shared ground (/tmp): it must be ours, a real directory (not a
 * symlink someone planted) and closed to everyone else, or a command could hand its arguments
 * to another user's listener.
 */
function checkFallbackDir(dir: string, uid: number): void {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return; // not made yet: no service uses it, and a command finds nothing to connect to
  }
  if (!stat.isDirectory()) throw new SocketPathError(`${dir} is not a directory: remove it (the terminal's socket goes there because the home's path is too long for a socket)`);
  if (stat.uid !== uid) throw new SocketPathError(`${dir} belongs to uid ${stat.uid}, not to this user: remove it`);
  if ((stat.mode & 0o077) !== 0) throw new SocketPathError(`${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}): chmod 700 ${dir}`);
}
