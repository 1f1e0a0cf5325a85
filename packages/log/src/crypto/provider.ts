/**
 * The few primitives the log needs, behind one small interface so the same code runs in Node
 * (node:crypto, ~12x faster Ed25519 verification on our machines) and in a browser
 * (@noble, audited and dependency-free). The implementation is chosen at module resolution
 * time through the package's `#crypto` import map (`node` vs `browser`/`default` condition),
 * never by a mutable global.
 */

export interface Ed25519Signer {
  /** 32-byte RFC 8032 public key. */
  readonly publicKey: Uint8Array;
  /** 64-byte RFC 8032 signature over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

export interface Ed25519Verifier {
  /** False for a wrong-length or invalid signature; never throws on untrusted bytes. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface CryptoProvider {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /** Requires a 32-byte seed (RFC 8032 private key); throws RangeError otherwise. */
  ed25519Signer(seed: Uint8Array): Ed25519Signer;
  /** Requires a 32-byte public key; throws RangeError otherwise. */
  ed25519Verifier(publicKey: Uint8Array): Ed25519Verifier;
  randomBytes(length: number): Uint8Array;
}

export const ED25519_SEED_SIZE = 32;
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export function requireLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
}
