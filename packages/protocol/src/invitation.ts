/**
 * Channel invitations (docs/spec/protocol.md §16): what the device adding a member puts in the
 * new member's relay mailbox. The MLS welcome authenticates itself (it is signed by the adding
 * member's MLS key, which the directory vouches for); the charter tells the new member what
 * channel this is and is checked against its pinned roots; the commit envelope and its seq say
 * where in the channel's history the new member starts, which it checks against the log.
 *
 *   u8 version = 1 | bytes32 charter | [32] key package hash | u64 commit seq
 *   | bytes32 commit envelope | bytes32 MLS welcome
 */
import { Reader, Writer } from './codec.js';
import { fail, type Result } from './errors.js';
import { MAX_PAYLOAD_BYTES } from './envelope.js';

export const INVITATION_VERSION = 1;
const MAX_PART = 1 << 20;

export interface Invitation {
  readonly charter: Uint8Array;
  /** SHA-256 of the invitee's key package encoding the welcome was made for. */
  readonly keyPackageHash: Uint8Array;
  readonly commitSeq: number;
  readonly commitEnvelope: Uint8Array;
  readonly welcome: Uint8Array;
}

export function encodeInvitation(i: Invitation): Uint8Array {
  return new Writer().u8(INVITATION_VERSION).bytes32(i.charter).fixed(i.keyPackageHash, 32).u64(i.commitSeq).bytes32(i.commitEnvelope).bytes32(i.welcome).finish();
}

export function decodeInvitation(bytes: Uint8Array): Result<Invitation> {
  const r = new Reader(bytes, 'malformed_invitation', 'invitation');
  const version = r.u8('version');
  if (!r.failed && version !== INVITATION_VERSION) return fail('unsupported_version', `invitation version ${version} is not supported`);
  const charter = r.bytes32('charter', MAX_PART);
  const keyPackageHash = r.fixed(32, 'key package hash');
  const commitSeq = r.u64('commit seq');
  const commitEnvelope = r.bytes32('commit envelope', MAX_PAYLOAD_BYTES + 1024);
  const welcome = r.bytes32('welcome', MAX_PART);
  if (!r.failed && commitSeq < 1) r.fail('commit seq must be at least 1');
  return r.end({ charter, keyPackageHash, commitSeq, commitEnvelope, welcome });
}
