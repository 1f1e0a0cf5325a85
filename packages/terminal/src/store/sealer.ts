/**
 * AES-256-GCM sealing of secrets the terminal keeps in its database (MLS group state, pending
 * commits, key package private keys) under the home's random storage key. The associated data
 * binds each sealed value to where it belongs (a channel id, a key package hash), so a value
 * copied to another row does not open.
 *
 *   nonce[12] ‖ ciphertext ‖ tag[16]
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HotlineError } from '../errors.js';

/** A sealed value that does not open: the wording says so, whatever part of the home it was. */
export class SealError extends HotlineError {
  override readonly name = 'SealError';
  constructor(message: string) {
    super('seal_broken', `a sealed value in this home does not open: ${message}`);
  }
}

export class Sealer {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('the storage key must be 32 bytes');
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad);
    return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  /** Throws SealError on a wrong key, altered bytes or a value moved from another place. */
  open(sealed: Uint8Array, aad: Uint8Array, what: string): Uint8Array {
    if (sealed.length < 28) throw new SealError(`${what} is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]));
    } catch {
      throw new SealError(`${what} does not open with this storage key here: wrong key, or it was altered or moved`);
    }
  }
}
