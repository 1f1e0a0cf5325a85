/**
 * c2sp.org/tlog-cosignature v1.0.1, Ed25519 form (cosignature/v1, key type 0x04).
 *
 * The signed message is `cosignature/v1\ntime <T>\n` followed by the whole checkpoint text; the
 * signature is the timestamped_signature struct: uint64 big-endian T, then 64 bytes of Ed25519.
 * Because the message does not commit to the cosigner name, each cosigner needs its own key.
 */
import { ed25519Signer, ed25519Verifier } from '#crypto';
import { concatBytes, readUint64BE, uint64BE, utf8 } from './bytes.js';
import type { NoteSigner, NoteVerifier } from './note.js';
import { KeyType, type SignerKey, type VerifierKey } from './keys.js';

export const COSIGNATURE_SIZE = 8 + 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The exact bytes a cosigner signs for `checkpointText` at `timestamp` (POSIX seconds). */
export function cosignedMessage(checkpointText: Uint8Array, timestamp: number): Uint8Array {
  return concatBytes(utf8(`cosignature/v1\ntime ${timestamp}\n`), checkpointText);
}

/** Splits a cosignature into its timestamp and Ed25519 signature; undefined if malformed. */
export function splitCosignature(signature: Uint8Array): { timestamp: number; ed25519: Uint8Array } | undefined {
  if (signature.length !== COSIGNATURE_SIZE) return undefined;
  const timestamp = readUint64BE(signature, 0);
  // The spec caps timestamps at 2^63-1; we also need them exact as JavaScript numbers.
  if (timestamp > MAX_TIMESTAMP || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { timestamp: Number(timestamp), ed25519: signature.subarray(8) };
}

export interface CosignatureVerifier extends NoteVerifier {
  readonly type: typeof KeyType.cosignatureV1;
  /** The timestamp of a cosignature that verifies, or undefined. */
  verifiedTimestamp(text: Uint8Array, signature: Uint8Array): number | undefined;
}

export function cosignatureVerifier(key: VerifierKey): CosignatureVerifier {
  if (key.type !== KeyType.cosignatureV1) throw new TypeError(`key ${key.name} is not a cosignature/v1 key`);
  const ed = ed25519Verifier(key.publicKey);
  const verifiedTimestamp = (text: Uint8Array, signature: Uint8Array): number | undefined => {
    const parts = splitCosignature(signature);
    if (parts === undefined) return undefined;
    return ed.verify(cosignedMessage(text, parts.timestamp), parts.ed25519) ? parts.timestamp : undefined;
  };
  return {
    name: key.name,
    keyId: key.keyId,
    type: KeyType.cosignatureV1,
    verifiedTimestamp,
    verify: (text, signature) => verifiedTimestamp(text, signature) !== undefined,
  };
}

/** A cosigner; `now` returns POSIX seconds (injectable for tests). */
export function cosigner(key: SignerKey, now: () => number = () => Math.floor(Date.now() / 1000)): NoteSigner {
  if (key.type !== KeyType.cosignatureV1) throw new TypeError(`key ${key.name} is not a cosignature/v1 key`);
  const ed = ed25519Signer(key.seed);
  return {
    name: key.name,
    keyId: key.keyId,
    sign(text) {
      const timestamp = now();
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`cosignature timestamp must be a non-negative integer, got ${timestamp}`);
      return concatBytes(uint64BE(BigInt(timestamp)), ed.sign(cosignedMessage(text, timestamp)));
    },
  };
}
