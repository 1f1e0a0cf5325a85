/**
 * Channel membership documents (docs/spec/protocol.md §8) — the access list the relay enforces;
 * terminals take a channel's members from its MLS group instead. Signed by the device that made
 * this version: the channel's opener for the first, the opener or a member device with a
 * member-change role (roles.ts) for each update, which carries a higher version. Which signer
 * may sign an update is the relay's check: it alone knows the opener and the current list.
 *
 *   u8 format = 1 | [16] channel id | u64 version | [32] signer device key
 *   | u16 count | count × [32] member device keys (strictly ascending, includes the signer)
 *   | [64] signature
 *
 * signature = Ed25519(signer, "hotline/v1/channel-membership\n" || all preceding bytes)
 */
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledVerify, signedEncoding, type Signer } from './hashing.js';
import { Label } from './labels.js';
import { CHANNEL_ID_SIZE } from './envelope.js';

export const MEMBERSHIP_FORMAT = 1;
export const MAX_CHANNEL_MEMBERS = 1024;

export interface Membership {
  readonly channelId: Uint8Array;
  readonly version: number;
  /** The device that signed this version (the format's field was named "creator" before any member could sign). */
  readonly signer: Uint8Array;
  readonly members: readonly Uint8Array[];
  readonly signature: Uint8Array;
  readonly bytes: Uint8Array;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function sortedUnique(keys: readonly Uint8Array[]): Uint8Array[] {
  const sorted = [...keys].sort(compareKeys);
  return sorted.filter((k, i) => i === 0 || compareKeys(sorted[i - 1]!, k) !== 0);
}

export function signMembership(fields: { channelId: Uint8Array; version: number; members: readonly Uint8Array[] }, signer: Signer): Membership {
  const members = sortedUnique([...fields.members, signer.publicKey]);
  if (members.length > MAX_CHANNEL_MEMBERS) throw new RangeError(`a channel has at most ${MAX_CHANNEL_MEMBERS} members`);
  const w = new Writer().u8(MEMBERSHIP_FORMAT).fixed(fields.channelId, CHANNEL_ID_SIZE).u64(fields.version).fixed(signer.publicKey, 32).u16(members.length);
  for (const m of members) w.fixed(m, 32);
  const { signature, bytes } = signedEncoding(Label.channelMembership, signer, w.finish());
  return { channelId: fields.channelId, version: fields.version, signer: signer.publicKey, members, signature, bytes };
}

/** Decodes and checks the signer's signature and the member list's canonical order. */
export function openMembership(bytes: Uint8Array): Result<Membership> {
  const r = new Reader(bytes, 'malformed_membership', 'channel membership');
  const format = r.u8('format');
  if (!r.failed && format !== MEMBERSHIP_FORMAT) return fail('unsupported_version', `membership format ${format} is not supported`);
  const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
  const version = r.u64('version');
  const signer = r.fixed(32, 'signer');
  const count = r.u16('member count');
  if (count > MAX_CHANNEL_MEMBERS) r.fail(`${count} members, more than ${MAX_CHANNEL_MEMBERS}`);
  const members: Uint8Array[] = [];
  for (let i = 0; i < Math.min(count, MAX_CHANNEL_MEMBERS); i++) members.push(r.fixed(32, `member ${i}`));
  const bodyLength = r.offset;
  const signature = r.fixed(64, 'signature');
  for (let i = 1; i < members.length; i++) if (compareKeys(members[i - 1]!, members[i]!) >= 0) r.fail('members must be strictly ascending');
  if (!members.some((m) => compareKeys(m, signer) === 0)) r.fail('the signer must be a member');
  const decoded = r.end({ channelId, version, signer, members, signature, bytes: bytes.slice() });
  if (!decoded.ok) return decoded;
  if (!labelledVerify(Label.channelMembership, signer, bytes.subarray(0, bodyLength), signature)) {
    return fail('bad_signature', 'channel membership is not signed by its signer');
  }
  return ok(decoded.value);
}
