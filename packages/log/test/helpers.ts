/** Shared test helpers: hex, deterministic keys, bit flips. */
import { fromHex, KeyType, signerKeyFromSeed, type SignerKey } from '../src/index.js';

export function hex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined) throw new Error(`bad hex in test: ${text}`);
  return bytes;
}

/** A deterministic key so failures reproduce; never a real secret. */
export function testKey(name: string, type: KeyType = KeyType.ed25519, seedByte = 7): SignerKey {
  return signerKeyFromSeed(name, type, new Uint8Array(32).fill(seedByte));
}

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << bit % 8;
  return copy;
}

export function entry(i: number): Uint8Array {
  return new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255]);
}

export const fixedClock = (seconds: number) => () => seconds;
