/**
 * Device certificates (docs/spec/protocol.md §3): a party root vouches that a device key
 * belongs to one of its members, with roles and a validity window.
 *
 *   u8 version = 1 | string16 party | string16 member | u8 roles | [32] device key
 *   | u64 not-before | u64 not-after (POSIX seconds) | [64] signature
 *
 * signature = Ed25519(party root, "hotline/v1/device-certificate\n" || all preceding bytes)
 */
import { bytesEqual, type VerifierKey } from '@hotline/log';
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledHash, labelledVerify, signedEncoding, type Signer } from './hashing.js';
import { Label } from './labels.js';
import { isValidMemberName, isValidPartyName } from './names.js';
import { decodeRoles, encodeRoles, type Role } from './roles.js';

export const CERTIFICATE_VERSION = 1;
const SIGNATURE_SIZE = 64;

export interface DeviceCertificateBody {
  readonly party: string;
  readonly member: string;
  readonly roles: readonly Role[];
  /** 32-byte Ed25519 public key of the device. */
  readonly deviceKey: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface DeviceCertificate extends DeviceCertificateBody {
  readonly signature: Uint8Array;
  /** The whole canonical encoding, signature included: what is stored, sent and hashed. */
  readonly bytes: Uint8Array;
}

function encodeBody(body: DeviceCertificateBody): Uint8Array {
  if (!isValidPartyName(body.party)) throw new TypeError(`invalid party name ${JSON.stringify(body.party)}`);
  if (!isValidMemberName(body.member)) throw new TypeError(`invalid member name ${JSON.stringify(body.member)}`);
  if (body.notAfter <= body.notBefore) throw new RangeError('certificate must expire after it starts');
  return new Writer()
    .u8(CERTIFICATE_VERSION)
    .string16(body.party)
    .string16(body.member)
    .u8(encodeRoles(body.roles))
    .fixed(body.deviceKey, 32)
    .u64(body.notBefore)
    .u64(body.notAfter)
    .finish();
}

/** Signs a certificate with the party root. The root's key name must be the party name. */
export function issueDeviceCertificate(body: DeviceCertificateBody, partyRoot: Signer & { readonly name: string }): DeviceCertificate {
  if (partyRoot.name !== body.party) throw new TypeError(`party root ${partyRoot.name} cannot certify a device of ${body.party}`);
  const { signature, bytes } = signedEncoding(Label.deviceCertificate, partyRoot, encodeBody(body));
  return { ...body, roles: [...body.roles], signature, bytes };
}

export function decodeDeviceCertificate(bytes: Uint8Array): Result<DeviceCertificate> {
  const r = new Reader(bytes, 'malformed_certificate', 'device certificate');
  const version = r.u8('version');
  if (!r.failed && version !== CERTIFICATE_VERSION) return fail('unsupported_version', `device certificate version ${version} is not supported (expected ${CERTIFICATE_VERSION})`);
  const party = r.string16('party');
  const member = r.string16('member');
  const roles = decodeRoles(r.u8('roles'));
  const deviceKey = r.fixed(32, 'device key');
  const notBefore = r.u64('not-before');
  const notAfter = r.u64('not-after');
  const signature = r.fixed(SIGNATURE_SIZE, 'signature');
  if (!isValidPartyName(party)) r.fail('party name is not valid');
  if (!isValidMemberName(member)) r.fail('member name is not valid');
  if (roles === undefined) r.fail('roles must be a non-empty set of known roles');
  if (notAfter <= notBefore) r.fail('not-after must be later than not-before');
  return r.end({ party, member, roles: roles ?? [], deviceKey, notBefore, notAfter, signature, bytes: bytes.slice() });
}

/**
 * Verifies the party root's signature and the validity window at `now` (POSIX seconds).
 * `partyRoots` are the pinned roots, looked up by party name.
 */
export function verifyDeviceCertificate(cert: DeviceCertificate, partyRoots: ReadonlyMap<string, VerifierKey>, now: number): Result<DeviceCertificate> {
  const root = partyRoots.get(cert.party);
  if (root === undefined) return fail('unknown_party', `device certificate is from party ${JSON.stringify(cert.party)}, which is not trusted here`);
  const body = cert.bytes.subarray(0, cert.bytes.length - SIGNATURE_SIZE);
  if (!labelledVerify(Label.deviceCertificate, root.publicKey, body, cert.signature)) {
    return fail('bad_signature', `device certificate for ${cert.member} is not signed by the root of ${cert.party}`);
  }
  if (now < cert.notBefore) return fail('certificate_not_yet_valid', `device certificate for ${cert.member} is valid only from ${cert.notBefore}`);
  if (now >= cert.notAfter) return fail('certificate_expired', `device certificate for ${cert.member} expired at ${cert.notAfter}`);
  return ok(cert);
}

/** The certificate's identity in the key directory and the log. */
export function certificateHash(cert: Pick<DeviceCertificate, 'bytes'>): Uint8Array {
  return labelledHash(Label.certificateHash, cert.bytes);
}

export function sameDevice(a: Pick<DeviceCertificate, 'deviceKey'>, b: Pick<DeviceCertificate, 'deviceKey'>): boolean {
  return bytesEqual(a.deviceKey, b.deviceKey);
}
