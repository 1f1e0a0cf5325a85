/**
 * The relay's log key: generated on first start, kept in `<data>/log.key` (mode 0600, Go note
 * signer-key format), never logged. Its key name is the log's origin.
 */
import { join } from 'node:path';
import { formatSignerKey, generateSignerKey, KeyType, parseSignerKey, type SignerKey } from '@hotline/log';
import { readSecretFile, writeSecretFile } from '@hotline/node-files';

export const LOG_KEY_FILE = 'log.key';

export function loadOrCreateLogKey(dataDir: string, origin: string | undefined): { key: SignerKey; created: boolean } {
  const path = join(dataDir, LOG_KEY_FILE);
  const text = readSecretFile(path)?.trim();
  if (text === undefined) {
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
