/**
 * Device revocations (docs/spec/protocol.md §4), signed by the party root:
 *
 *   u8 version = 1 | string16 party | [32] device key | u64 time | string16 reason | [64] signature
 *
 * signature = Ed25519(party root, "hotline/v1/device-revocation\n" || all preceding bytes)
 */
import type { VerifierKey } from '@hotline/log';
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledHash, labelledVerify, signedEncoding, type Signer } from './hashing.js';
import { Label } from './labels.js';
import { isValidPartyName } from './names.js';

export const REVOCATION_VERSION = 1;

export interface Revocation {
  readonly party: string;
  readonly deviceKey: Uint8Array;
  /** POSIX seconds from which the device is no longer trusted. */
  readonly time: number;
  readonly reason: string;
  readonly signature: Uint8Array;
  readonly bytes: Uint8Array;
}

export function issueRevocation(
  fields: Pick<Revocation, 'party' | 'deviceKey' | 'time' | 'reason'>,
  partyRoot: Signer & { readonly name: string },
): Revocation {
  if (partyRoot.name !== fields.party) throw new TypeError(`party root ${partyRoot.name} cannot revoke a device of ${fields.party}`);
  const body = new Writer().u8(REVOCATION_VERSION).string16(fields.party).fixed(fields.deviceKey, 32).u64(fields.time).string16(fields.reason).finish();
  const { signature, bytes } = signedEncoding(Label.deviceRevocation, partyRoot, body);
  return { ...fields, signature, bytes };
}

export function decodeRevocation(bytes: Uint8Array): Result<Revocation> {
  const r = new Reader(bytes, 'malformed_revocation', 'revocation');
  const version = r.u8('version');
  if (!r.failed && version !== REVOCATION_VERSION) return fail('unsupported_version', `revocation version ${version} is not supported`);
  const party = r.string16('party');
  const deviceKey = r.fixed(32, 'device key');
  const time = r.u64('time');
  const reason = r.string16('reason', 1024);
  const signature = r.fixed(64, 'signature');
  if (!isValidPartyName(party)) r.fail('party name is not valid');
  return r.end({ party, deviceKey, time, reason, signature, bytes: bytes.slice() });
}

export function verifyRevocation(revocation: Revocation, partyRoots: ReadonlyMap<string, VerifierKey>): Result<Revocation> {
  const root = partyRoots.get(revocation.party);
  if (root === undefined) return fail('unknown_party', `revocation is from party ${JSON.stringify(revocation.party)}, which is not trusted here`);
  const body = revocation.bytes.subarray(0, revocation.bytes.length - 64);
  if (!labelledVerify(Label.deviceRevocation, root.publicKey, body, revocation.signature)) {
    return fail('bad_signature', `revocation is not signed by the root of ${revocation.party}`);
  }
  return ok(revocation);
}

/** The revocation's identity in the key directory and the log. */
export function revocationHash(revocation: Pick<Revocation, 'bytes'>): Uint8Array {
  return labelledHash(Label.revocationHash, revocation.bytes);
}
