/** Labelled SHA-256 and Ed25519 over `label || 0x0A || bytes` (docs/spec/protocol.md §2). */
import { cryptoProvider, utf8 } from '@hotline/log';
import type { Label } from './labels.js';

const encoded = new Map<string, Uint8Array>();

/** `label || 0x0A || parts...` with the label's bytes computed once. */
export function concatBytesForLabel(label: string, parts: readonly Uint8Array[]): Uint8Array {
  let prefix = encoded.get(label);
  if (prefix === undefined) {
    prefix = utf8(`${label}\n`);
    encoded.set(label, prefix);
  }
  let length = prefix.length;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  out.set(prefix, 0);
  let at = prefix.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function labelledHash(label: Label, ...parts: Uint8Array[]): Uint8Array {
  return cryptoProvider.sha256(concatBytesForLabel(label, parts));
}

/** Anything that signs with Ed25519: a device key or a party root (see `signerFor`). */
export interface Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Builds an Ed25519 signer from a 32-byte seed once; reuse it, key import is not free. */
export function signerFor(seed: Uint8Array): Signer {
  return cryptoProvider.ed25519Signer(seed);
}

export function labelledSign(label: Label, signer: Signer, body: Uint8Array): Uint8Array {
  return signer.sign(concatBytesForLabel(label, [body]));
}

/** The signed form every Hotline object shares: body, then the 64-byte labelled signature. */
export function signedEncoding(label: Label, signer: Signer, body: Uint8Array): { signature: Uint8Array; bytes: Uint8Array } {
  const signature = labelledSign(label, signer, body);
  const bytes = new Uint8Array(body.length + signature.length);
  bytes.set(body);
  bytes.set(signature, body.length);
  return { signature, bytes };
}

/**
 * Verifiers by public key: importing a key costs as much as verifying with it, and a terminal
 * checks the same few device keys again and again. Bounded; cleared when full.
 */
const verifiers = new Map<string, ReturnType<typeof cryptoProvider.ed25519Verifier>>();
const MAX_CACHED_VERIFIERS = 1024;

function verifierFor(publicKey: Uint8Array): ReturnType<typeof cryptoProvider.ed25519Verifier> {
  const key = String.fromCharCode(...publicKey);
  let verifier = verifiers.get(key);
  if (verifier === undefined) {
    if (verifiers.size >= MAX_CACHED_VERIFIERS) verifiers.clear();
    verifier = cryptoProvider.ed25519Verifier(publicKey);
    verifiers.set(key, verifier);
  }
  return verifier;
}

export function labelledVerify(label: Label, publicKey: Uint8Array, body: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  return verifierFor(publicKey).verify(concatBytesForLabel(label, [body]), signature);
}
