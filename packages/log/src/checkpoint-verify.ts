/**
 * Opening a signed checkpoint: the log's signature (its key name must be the origin, per
 * tlog-checkpoint "the log's key name SHOULD match the origin", which we require so one key
 * cannot speak for another log), then every cosignature by a known witness.
 */
import { utf8 } from './bytes.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import type { CosignatureVerifier } from './cosignature.js';
import { KeyType } from './keys.js';
import { parseNote, verifyParsedNote, type Note, type NoteVerifier } from './note.js';
import { fail, ok, type Result } from './result.js';

export interface CheckpointTrust {
  /** Acceptable log keys; a checkpoint must verify under one whose name equals its origin. */
  readonly logs: readonly NoteVerifier[];
  /** Known witnesses; signatures by others are ignored, as signed-note requires. */
  readonly witnesses?: readonly CosignatureVerifier[];
}

export interface WitnessCosignature {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds the witness put in its cosignature. */
  readonly timestamp: number;
  readonly verifier: CosignatureVerifier;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: Note;
  readonly log: NoteVerifier;
  /** One entry per known witness whose cosignature verified. */
  readonly cosignatures: readonly WitnessCosignature[];
}

/** Verifies every cosignature in `note` by a known witness; any failing one fails them all. */
export function verifyCosignatures(note: Note, witnesses: readonly CosignatureVerifier[]): Result<WitnessCosignature[]> {
  const text = utf8(note.text);
  const found: WitnessCosignature[] = [];
  for (const sig of note.signatures) {
    const verifier = witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
    if (verifier === undefined) continue;
    const timestamp = verifier.verifiedTimestamp(text, sig.signature);
    if (timestamp === undefined) return fail('bad_cosignature', `cosignature by witness ${sig.name} does not verify`);
    if (!found.some((f) => f.verifier === verifier)) found.push({ name: sig.name, keyId: sig.keyId, timestamp, verifier });
  }
  return ok(found);
}

export function verifyCheckpoint(signedNote: string | Uint8Array, trust: CheckpointTrust): Result<VerifiedCheckpoint> {
  // A cosignature says "I saw this", not "I am this log": a witness key must never count as one.
  if (trust.logs.some((l) => l.type === KeyType.cosignatureV1)) return fail('unsupported_key_type', 'a cosignature/v1 key cannot be trusted as a log key');
  const note = parseNote(signedNote);
  if (!note.ok) return note;
  const byLog = verifyParsedNote(note.value, trust.logs);
  if (!byLog.ok) {
    if (byLog.error.code === 'no_verified_signature') return fail('no_log_signature', 'checkpoint is not signed by a known log key');
    return byLog;
  }
  const checkpoint = parseCheckpoint(note.value.text);
  if (!checkpoint.ok) return checkpoint;
  const log = byLog.value.verified.find((v) => v.name === checkpoint.value.origin)?.verifier;
  if (log === undefined) return fail('origin_mismatch', `checkpoint origin ${JSON.stringify(checkpoint.value.origin)} is not the name of the log key that signed it`);
  const cosignatures = verifyCosignatures(note.value, trust.witnesses ?? []);
  if (!cosignatures.ok) return cosignatures;
  return ok({ checkpoint: checkpoint.value, note: note.value, log, cosignatures: cosignatures.value });
}

/** Verifies one witness's cosignature on a signed checkpoint and returns its timestamp. */
export function verifyCosignature(signedNote: string | Uint8Array, witness: CosignatureVerifier): Result<{ timestamp: number }> {
  const note = parseNote(signedNote);
  if (!note.ok) return note;
  const found = verifyCosignatures(note.value, [witness]);
  if (!found.ok) return found;
  const first = found.value[0];
  if (first === undefined) return fail('no_cosignature', `checkpoint carries no cosignature by witness ${witness.name}`);
  return ok({ timestamp: first.timestamp });
}
