/**
 * Key files sealed with a passphrase (docs/spec/protocol.md §14):
 *
 *   hotline/v1/sealed-key\n
 *   base64( [16] salt || [12] nonce || AES-256-GCM(key, nonce, aad = "hotline/v1/sealed-key", secret) || [16] tag )\n
 *
 * key = scrypt(passphrase, salt, N = 2^15, r = 8, p = 1, 32 bytes). Without a passphrase a key
 * file holds the signer key in the clear; either way the file is 0600.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

export const SEALED_HEADER = 'hotline/v1/sealed-key';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function derive(passphrase: string, salt: Uint8Array): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, SCRYPT);
}

export function isSealed(text: string): boolean {
  return text.startsWith(`${SEALED_HEADER}\n`);
}

export function seal(secret: string, passphrase: string): string {
  if (passphrase.length === 0) throw new TypeError('an empty passphrase seals nothing');
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, salt), nonce);
  cipher.setAAD(Buffer.from(SEALED_HEADER));
  const body = Buffer.concat([salt, nonce, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_HEADER}\n${body.toString('base64')}\n`;
}

/** The secret, or undefined if the passphrase is wrong or the file was altered. */
export function unseal(text: string, passphrase: string): string | undefined {
  if (!isSealed(text)) return undefined;
  const body = Buffer.from(text.slice(SEALED_HEADER.length + 1).trim(), 'base64');
  if (body.length < 16 + 12 + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(passphrase, body.subarray(0, 16)), body.subarray(16, 28));
    decipher.setAAD(Buffer.from(SEALED_HEADER));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(28, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
