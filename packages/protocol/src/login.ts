/**
 * Device login (docs/spec/protocol.md §9): the relay issues a fresh 32-byte challenge; the
 * device proves possession of its key by signing
 *
 *   "hotline/v1/login\n" || string16 relay origin || [32] challenge || [32] device key
 *
 * Binding the origin stops a hostile relay from relaying a challenge to another relay.
 */
import { Writer } from './codec.js';
import { labelledSign, labelledVerify, type Signer } from './hashing.js';
import { Label } from './labels.js';

export const CHALLENGE_SIZE = 32;

function loginMessage(origin: string, challenge: Uint8Array, deviceKey: Uint8Array): Uint8Array {
  return new Writer().string16(origin).fixed(challenge, CHALLENGE_SIZE).fixed(deviceKey, 32).finish();
}

export function signLogin(origin: string, challenge: Uint8Array, device: Signer): Uint8Array {
  return labelledSign(Label.login, device, loginMessage(origin, challenge, device.publicKey));
}

export function verifyLogin(origin: string, challenge: Uint8Array, deviceKey: Uint8Array, signature: Uint8Array): boolean {
  if (challenge.length !== CHALLENGE_SIZE || deviceKey.length !== 32) return false;
  return labelledVerify(Label.login, deviceKey, loginMessage(origin, challenge, deviceKey), signature);
}
