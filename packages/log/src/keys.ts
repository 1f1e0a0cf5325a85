/**
 * Verifier keys (c2sp.org/signed-note §Verifier keys) and signer keys.
 *
 *   vkey = <name>+hex(key ID)+base64(type || public key)
 *   key ID = SHA-256(name || 0x0A || type || public key)[:4]
 *
 * Signer keys use the format of Go's golang.org/x/mod/sumdb/note, so keys move between tools:
 *
 *   skey = PRIVATE+KEY+<name>+hex(key ID)+base64(type || 32-byte Ed25519 seed)
 */
import { ed25519Signer, randomBytes, sha256 } from '#crypto';
import { fromBase64, toBase64 } from './base64.js';
import { concatBytes, fromHex, readUint32BE, utf8 } from './bytes.js';
import { isValidKeyName } from './note.js';
import { fail, ok, type Result } from './result.js';

/** Signature type bytes from the signed-note registry that this package implements. */
export const KeyType = {
  /** Ed25519 note signature: what a log signs its checkpoints with. */
  ed25519: 0x01,
  /** Timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature, cosignature/v1). */
  cosignatureV1: 0x04,
} as const;
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: KeyType;
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** 32-byte Ed25519 seed. Never log it. */
  readonly seed: Uint8Array;
}

const ED25519_KEY_SIZE = 32;
const SKEY_PREFIX = 'PRIVATE+KEY+';

export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  return readUint32BE(sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey)));
}

function isKnownType(type: number): type is KeyType {
  return type === KeyType.ed25519 || type === KeyType.cosignatureV1;
}

function hexKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function formatVerifierKey(key: Pick<VerifierKey, 'name' | 'type' | 'publicKey'>): string {
  if (!isValidKeyName(key.name)) throw new TypeError(`invalid key name ${JSON.stringify(key.name)}`);
  const keyId = computeKeyId(key.name, key.type, key.publicKey);
  return `${key.name}+${hexKeyId(keyId)}+${toBase64(concatBytes(new Uint8Array([key.type]), key.publicKey))}`;
}

/**
 * Splits `name+hex+base64` at the first two plus signs only: names and hex IDs never contain
 * '+', but the base64 alphabet does.
 */
function splitKey(text: string): [string, string, string] | undefined {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return undefined;
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

/** Splits name+hex+base64 and checks the parts; shared by vkeys and skeys. */
function parseKeyParts(what: string, name: string, hexId: string, encoded: string): Result<{ keyId: number; type: KeyType; material: Uint8Array }> {
  const bad = (code: 'malformed_vkey' | 'unsupported_key_type' | 'vkey_id_mismatch', why: string) => fail<never>(code, `${what}: ${why}`);
  if (!isValidKeyName(name)) return bad('malformed_vkey', 'key name must be non-empty, without spaces or "+"');
  const idBytes = fromHex(hexId);
  if (idBytes === undefined || idBytes.length !== 4) return bad('malformed_vkey', 'key ID must be 8 lowercase hex digits');
  const data = fromBase64(encoded);
  if (data === undefined || data.length < 1) return bad('malformed_vkey', 'key material is not canonical base64');
  const type = data[0]!;
  if (!isKnownType(type)) return bad('unsupported_key_type', `signature type 0x${type.toString(16).padStart(2, '0')} is not supported (0x01 Ed25519, 0x04 cosignature/v1)`);
  const material = data.subarray(1);
  if (material.length !== ED25519_KEY_SIZE) return bad('malformed_vkey', `Ed25519 key must be ${ED25519_KEY_SIZE} bytes, got ${material.length}`);
  return ok({ keyId: readUint32BE(idBytes), type, material });
}

export function parseVerifierKey(vkey: string): Result<VerifierKey> {
  const what = `verifier key ${JSON.stringify(vkey.slice(0, 80))}`;
  const parts = splitKey(vkey);
  if (parts === undefined) return fail('malformed_vkey', `${what}: expected <name>+<hex key ID>+<base64 key>`);
  const [name, hexId, encoded] = parts;
  const parsed = parseKeyParts(what, name, hexId, encoded);
  if (!parsed.ok) return parsed;
  const { keyId, type, material } = parsed.value;
  if (computeKeyId(name, type, material) !== keyId) return fail('vkey_id_mismatch', `${what}: key ID does not match the name and key`);
  return ok({ name, keyId, type, publicKey: material });
}

export function formatSignerKey(key: SignerKey): string {
  return `${SKEY_PREFIX}${key.name}+${hexKeyId(key.keyId)}+${toBase64(concatBytes(new Uint8Array([key.type]), key.seed))}`;
}

/** Parses a signer key; error messages never include the key material. */
export function parseSignerKey(skey: string): Result<SignerKey> {
  const what = 'signer key';
  if (!skey.startsWith(SKEY_PREFIX)) return fail('malformed_vkey', `${what}: must start with ${SKEY_PREFIX}`);
  const parts = splitKey(skey.slice(SKEY_PREFIX.length));
  if (parts === undefined) return fail('malformed_vkey', `${what}: expected PRIVATE+KEY+<name>+<hex key ID>+<base64 key>`);
  const [name, hexId, encoded] = parts;
  const parsed = parseKeyParts(what, name, hexId, encoded);
  if (!parsed.ok) return parsed;
  const { keyId, type, material: seed } = parsed.value;
  const publicKey = ed25519Signer(seed).publicKey;
  if (computeKeyId(name, type, publicKey) !== keyId) return fail('vkey_id_mismatch', `${what}: key ID does not match the name and key`);
  return ok({ name, keyId, type, publicKey, seed: seed.slice() });
}

/** Generates a fresh Ed25519 key for a log (type 0x01) or a cosigner (type 0x04). */
export function generateSignerKey(name: string, type: KeyType = KeyType.ed25519): SignerKey {
  if (!isValidKeyName(name)) throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
  return signerKeyFromSeed(name, type, randomBytes(ED25519_KEY_SIZE));
}

export function signerKeyFromSeed(name: string, type: KeyType, seed: Uint8Array): SignerKey {
  const publicKey = ed25519Signer(seed).publicKey;
  return { name, type, publicKey, seed: seed.slice(), keyId: computeKeyId(name, type, publicKey) };
}

export function verifierKeyOf(key: SignerKey): VerifierKey {
  return { name: key.name, keyId: key.keyId, type: key.type, publicKey: key.publicKey };
}

