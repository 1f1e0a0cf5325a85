/**
 * Portable provider (selected by the `browser` and `default` conditions of `#crypto`):
 * @noble/hashes SHA-256 and @noble/curves Ed25519, synchronous so the log code has one shape
 * everywhere. Verification uses zip215: false, i.e. RFC 8032 strict rules (canonical encodings,
 * cofactorless equation, as OpenSSL does), so a browser and a Node terminal never disagree on
 * whether a signature is valid.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  type CryptoProvider,
  type Ed25519Signer,
  type Ed25519Verifier,
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SEED_SIZE,
  ED25519_SIGNATURE_SIZE,
  requireLength,
} from './provider.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function ed25519Signer(seed: Uint8Array): Ed25519Signer {
  requireLength('Ed25519 seed', seed, ED25519_SEED_SIZE);
  const secretKey = seed.slice();
  return {
    publicKey: ed25519.getPublicKey(secretKey),
    sign: (message) => ed25519.sign(message, secretKey),
  };
}

export function ed25519Verifier(publicKey: Uint8Array): Ed25519Verifier {
  requireLength('Ed25519 public key', publicKey, ED25519_PUBLIC_KEY_SIZE);
  const key = publicKey.slice();
  return {
    verify(message, signature) {
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return ed25519.verify(signature, message, key, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

export const provider: CryptoProvider = { name: '@noble', sha256, ed25519Signer, ed25519Verifier, randomBytes };
