/** Writes a secret atomically: created 0600, fsync'd, renamed into place. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function writeSecretFile(path: string, contents: string): void {
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
