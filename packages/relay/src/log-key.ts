/**
 * The relay's log key: generated on first start, kept in `<data>/log.key` (mode 0600, Go note
 * signer-key format), never logged. Its key name is the log's origin.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatSignerKey, generateSignerKey, KeyType, parseSignerKey, type SignerKey } from '@hotline/log';

export const LOG_KEY_FILE = 'log.key';

/** Writes a secret file atomically: 0600 from creation, fsync'd, then renamed into place. */
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

export function loadOrCreateLogKey(dataDir: string, origin: string | undefined): { key: SignerKey; created: boolean } {
  const path = join(dataDir, LOG_KEY_FILE);
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = generateSignerKey(origin ?? defaultOrigin(), KeyType.ed25519);
    writeSecretFile(path, `${formatSignerKey(key)}\n`);
    return { key, created: true };
  }
  const parsed = parseSignerKey(text);
  if (!parsed.ok) throw new Error(`${path} is not a valid signer key: ${parsed.error.message}`);
  if (origin !== undefined && parsed.value.name !== origin) {
    throw new Error(`this relay's log is ${parsed.value.name}; it cannot serve origin ${origin} (a log's origin never changes)`);
  }
  return { key: parsed.value, created: false };
}

function defaultOrigin(): string {
  const suffix = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return `relay.hotline.invalid/${suffix}`;
}
