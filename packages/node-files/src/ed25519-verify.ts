/**
 * One Ed25519 verification with node:crypto, key objects cached: a record has few device keys,
 * and importing one costs about as much as a verification. Shared by the pool's threads and the
 * thread that hands them work (ed25519-shared.ts), so both judge a signature identically.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

const SPKI_PREFIX = Buffer.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const keys = new Map<string, KeyObject | undefined>();

function keyFor(raw: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  if (!keys.has(id)) {
    let key: KeyObject | undefined;
    try {
      key = raw.length === 32 ? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }) : undefined;
    } catch {
      key = undefined; // not a point OpenSSL accepts: every signature by it fails
    }
    keys.set(id, key);
  }
  return keys.get(id);
}

/** True only for a valid signature; a key or signature of the wrong length is simply invalid. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = keyFor(publicKey);
  if (key === undefined || signature.length !== 64) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
