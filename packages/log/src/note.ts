/**
 * c2sp.org/signed-note v1.0.0: text, a blank line, and signature lines
 * `— <key name> base64(uint32 key ID || signature)`.
 *
 * Verification rules (spec §Signatures): signatures from unknown keys — name and key ID not
 * both matching a configured verifier — are ignored; a signature from a known key that fails
 * makes the whole note fail (the spec's SHOULD, which we take); a note with no verified
 * signature fails.
 */
import { fromBase64, toBase64 } from './base64.js';
import { concatBytes, decodeUtf8, isWellFormedText, readUint32BE, uint32BE, utf8 } from './bytes.js';
import { fail, ok, type Result } from './result.js';

/** Accept at least the 16 signatures the spec requires, with room for a quorum of witnesses. */
export const MAX_NOTE_SIGNATURES = 64;
/** Large enough for 64 post-quantum signatures (~5 kB each) and any checkpoint text. */
export const MAX_NOTE_BYTES = 512 * 1024;

const SIGNATURE_PREFIX = '\u2014 ';
// Go's unicode.IsSpace: ASCII spaces, NEL, NBSP and the Unicode White_Space separators.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

export interface NoteSignature {
  readonly name: string;
  /** The uint32 key ID from the first four bytes of the signature line. */
  readonly keyId: number;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** Checks a note's key name: non-empty, no Unicode spaces, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE.test(name) && !name.includes('+') && isWellFormedText(name);
}

function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

/** Checks text that is about to be signed: UTF-8 text ending in a newline, no other controls. */
export function checkNoteText(text: string): Result<true> {
  if (!isWellFormedText(text)) return fail('malformed_utf8', 'note text has a lone UTF-16 surrogate (not encodable as UTF-8)');
  if (!text.endsWith('\n')) return fail('malformed_note', 'note text must end with a newline');
  if (hasForbiddenControl(text)) return fail('malformed_note', 'note text must not contain control characters other than newline');
  return ok(true);
}

function parseSignatureLine(line: string, number: number): Result<NoteSignature> {
  const bad = (why: string) => fail<NoteSignature>('malformed_note', `signature line ${number}: ${why}`);
  if (!line.startsWith(SIGNATURE_PREFIX)) return bad('must start with an em dash and a space');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return bad('must be "— <key name> <base64 signature>"');
  const name = rest.slice(0, space);
  const encoded = rest.slice(space + 1);
  if (!isValidKeyName(name)) return bad('key name must be non-empty, without spaces or "+"');
  const bytes = fromBase64(encoded);
  if (bytes === undefined) return bad('signature is not canonical base64');
  if (bytes.length < 5) return bad('signature must hold a 4-byte key ID and at least one byte');
  return ok({ name, keyId: readUint32BE(bytes), signature: bytes.subarray(4) });
}

/** Parses a signed note's structure without verifying any signature. */
export function parseNote(input: string | Uint8Array): Result<Note> {
  // A string's UTF-8 form is at least as long as its UTF-16 length: refuse huge ones before encoding.
  if (input.length > MAX_NOTE_BYTES) return fail('note_too_large', `note is more than ${MAX_NOTE_BYTES} bytes`);
  if (typeof input === 'string' && !isWellFormedText(input)) return fail('malformed_utf8', 'note has a lone UTF-16 surrogate (not valid UTF-8)');
  const size = typeof input === 'string' ? utf8(input).length : input.length;
  if (size > MAX_NOTE_BYTES) return fail('note_too_large', `note is ${size} bytes, more than ${MAX_NOTE_BYTES}`);
  const message = typeof input === 'string' ? input : decodeUtf8(input);
  if (message === undefined) return fail('malformed_utf8', 'note is not valid UTF-8');
  if (hasForbiddenControl(message)) return fail('malformed_note', 'note contains a control character other than newline');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) return fail('malformed_note', 'note has no blank line before its signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) return fail('malformed_note', 'note must end with at least one newline-terminated signature line');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return fail('too_many_signatures', `note has ${lines.length} signatures, more than ${MAX_NOTE_SIGNATURES}`);
  const signatures: NoteSignature[] = [];
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseSignatureLine(lines[i]!, i + 1);
    if (!parsed.ok) return parsed;
    signatures.push(parsed.value);
  }
  return ok({ text, signatures });
}

/** A verifier for one key: a note signature matches it when both name and key ID match. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The signed-note signature type (0x01 Ed25519, 0x04 cosignature/v1), when known. */
  readonly type?: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

export interface VerifiedNote extends Note {
  /** Signatures that matched a known key and verified, in note order, one per key. */
  readonly verified: readonly (NoteSignature & { readonly verifier: NoteVerifier })[];
}

function findVerifier(verifiers: readonly NoteVerifier[], sig: NoteSignature): NoteVerifier | undefined {
  return verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
}

/** Verifies an already-parsed note against known keys (see the module comment for the rules). */
export function verifyParsedNote(note: Note, verifiers: readonly NoteVerifier[]): Result<VerifiedNote> {
  const textBytes = utf8(note.text);
  const verified: (NoteSignature & { verifier: NoteVerifier })[] = [];
  for (const sig of note.signatures) {
    const verifier = findVerifier(verifiers, sig);
    if (verifier === undefined) continue;
    if (!verifier.verify(textBytes, sig.signature)) {
      return fail('bad_signature', `signature by known key ${sig.name}+${sig.keyId.toString(16).padStart(8, '0')} does not verify`);
    }
    if (!verified.some((v) => v.verifier === verifier)) verified.push({ ...sig, verifier });
  }
  if (verified.length === 0) return fail('no_verified_signature', 'note has no valid signature by a known key');
  return ok({ ...note, verified });
}

/** Parses and verifies a signed note. */
export function verifyNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): Result<VerifiedNote> {
  const note = parseNote(input);
  return note.ok ? verifyParsedNote(note.value, verifiers) : note;
}

/** Formats one signature line, newline included. */
export function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  return `${SIGNATURE_PREFIX}${name} ${toBase64(concatBytes(uint32BE(keyId), signature))}\n`;
}

/**
 * Signs `text` with each signer and returns the signed note. Throws on text that is not a valid
 * note text: signing is done on our own output, so bad text is a bug, not untrusted input.
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const check = checkNoteText(text);
  if (!check.ok) throw new TypeError(check.error.message);
  if (signers.length === 0) throw new TypeError('signNote needs at least one signer');
  const bytes = utf8(text);
  return `${text}\n${signers.map((s) => signatureLine(s.name, s.keyId, s.sign(bytes))).join('')}`;
}

/** Adds signatures (e.g. witness cosignatures) to an existing signed note. */
export function addSignatures(signedNote: string, lines: readonly string[]): string {
  return signedNote + lines.join('');
}
