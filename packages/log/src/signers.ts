/** Note signers and verifiers for the key types this package implements. */
import { ed25519Signer, ed25519Verifier } from '#crypto';
import { cosignatureVerifier, cosigner } from './cosignature.js';
import { KeyType, parseVerifierKey, type SignerKey, type VerifierKey } from './keys.js';
import type { NoteSigner, NoteVerifier } from './note.js';
import type { Result } from './result.js';

/** Verifies plain Ed25519 note signatures (type 0x01) or cosignatures (type 0x04). */
export function noteVerifier(key: VerifierKey): NoteVerifier {
  if (key.type === KeyType.cosignatureV1) return cosignatureVerifier(key);
  const ed = ed25519Verifier(key.publicKey);
  return { name: key.name, keyId: key.keyId, type: key.type, verify: (text, signature) => ed.verify(text, signature) };
}

/** Parses a vkey string into a verifier. */
export function parseNoteVerifier(vkey: string): Result<NoteVerifier> {
  const key = parseVerifierKey(vkey);
  return key.ok ? { ok: true, value: noteVerifier(key.value) } : key;
}

/** Signs notes with an Ed25519 key (type 0x01), or cosigns checkpoints (type 0x04). */
export function noteSigner(key: SignerKey, now?: () => number): NoteSigner {
  if (key.type === KeyType.cosignatureV1) return cosigner(key, now);
  const ed = ed25519Signer(key.seed);
  return { name: key.name, keyId: key.keyId, sign: (text) => ed.sign(text) };
}
