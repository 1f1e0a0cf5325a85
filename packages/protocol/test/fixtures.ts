/** Deterministic keys and objects for protocol tests; never real secrets. */
import { signerKeyFromSeed, KeyType, verifierKeyOf, type VerifierKey } from '@hotline/log';
import { partyRootSigner, signerFor, type Signer } from '../src/index.js';

export const WASHINGTON = signerKeyFromSeed('washington', KeyType.ed25519, new Uint8Array(32).fill(1));
export const MOSCOW = signerKeyFromSeed('moscow', KeyType.ed25519, new Uint8Array(32).fill(2));
export const washingtonRoot = partyRootSigner(WASHINGTON);
export const moscowRoot = partyRootSigner(MOSCOW);
export const roots: ReadonlyMap<string, VerifierKey> = new Map([
  ['washington', verifierKeyOf(WASHINGTON)],
  ['moscow', verifierKeyOf(MOSCOW)],
]);

export function device(seedByte: number): Signer {
  return signerFor(new Uint8Array(32).fill(seedByte));
}

export function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index % copy.length]! ^= 0x01;
  return copy;
}

export function code(result: { ok: boolean; error?: { code: string } }): string {
  return result.ok ? 'ok' : result.error!.code;
}
