/// <reference types="node" />
/**
 * Node-only provider (selected by the `node` condition of `#crypto`): node:crypto's one-shot
 * SHA-256 and OpenSSL Ed25519. Key objects are built once per signer/verifier, because
 * importing a raw key costs more than the signature operation itself.
 */
import * as nodeCrypto from 'node:crypto';
import {
  type CryptoProvider,
  type Ed25519Signer,
  type Ed25519Verifier,
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SEED_SIZE,
  ED25519_SIGNATURE_SIZE,
  requireLength,
} from './provider.js';

// RFC 8410 DER prefixes: wrapping raw Ed25519 keys lets OpenSSL import them without JWK parsing.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

function asPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function sha256(data: Uint8Array): Uint8Array {
  return asPlainBytes(nodeCrypto.hash('sha256', data, 'buffer'));
}

export function ed25519Signer(seed: Uint8Array): Ed25519Signer {
  requireLength('Ed25519 seed', seed, ED25519_SEED_SIZE);
  const privateKey = nodeCrypto.createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = nodeCrypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return {
    publicKey,
    sign: (message) => asPlainBytes(nodeCrypto.sign(null, message, privateKey)),
  };
}

export function ed25519Verifier(publicKey: Uint8Array): Ed25519Verifier {
  requireLength('Ed25519 public key', publicKey, ED25519_PUBLIC_KEY_SIZE);
  let keyObject: nodeCrypto.KeyObject | undefined;
  try {
    keyObject = nodeCrypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    keyObject = undefined; // not a point OpenSSL accepts: every signature fails
  }
  return {
    verify(message, signature) {
      if (keyObject === undefined || signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return nodeCrypto.verify(null, message, keyObject, signature);
      } catch {
        return false;
      }
    },
  };
}

export function randomBytes(length: number): Uint8Array {
  return asPlainBytes(nodeCrypto.randomBytes(length));
}

export const provider: CryptoProvider = { name: 'node:crypto', sha256, ed25519Signer, ed25519Verifier, randomBytes };
