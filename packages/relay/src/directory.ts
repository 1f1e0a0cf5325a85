/**
 * The key directory: device certificates and revocations from parties the relay was told
 * about, each verified, sequenced into its party's directory stream and the log, and applied to
 * the device table in the same transaction.
 */
import { bytesEqual, toHex } from '@hotline/log';
import {
  certificateHash,
  decodeDeviceCertificate,
  decodeRevocation,
  encodeRoles,
  partyTag,
  RecordKind,
  revocationHash,
  verifyDeviceCertificate,
  verifyRevocation,
  type DeviceCertificate,
} from '@hotline/protocol';
import type { VerifierKey } from '@hotline/log';
import { badRequest, conflict, forbidden, notFound } from './errors.js';
import type { Count } from './limits.js';
import type { Sequencer } from './sequencer.js';
import type { AccessSnapshot } from './storage/access.js';
import type { DirectoryStore } from './storage/interfaces.js';
import type { Sequenced } from './storage/records.js';

/** What registering and revoking devices needs. */
export interface DirectoryDeps {
  readonly partyRoots: ReadonlyMap<string, VerifierKey>;
  /** The stored certificates: a second, different certificate for a key is refused. */
  readonly directory: Pick<DirectoryStore, 'device'>;
  readonly access: Pick<AccessSnapshot, 'device'>;
  readonly sequencer: Pick<Sequencer, 'submit'>;
  /** A revocation in effect ends the device's sessions and connections at once. */
  readonly endDevice: (deviceKey: Uint8Array, reason: string) => void;
  readonly countSequenced: Count;
  readonly now: () => number;
}

export async function registerDevice(deps: DirectoryDeps, bytes: Uint8Array): Promise<Sequenced> {
  const decoded = decodeDeviceCertificate(bytes);
  if (!decoded.ok) throw badRequest(decoded.error.code, decoded.error.message);
  const cert = decoded.value;
  const verified = verifyDeviceCertificate(cert, deps.partyRoots, Math.floor(deps.now() / 1000));
  if (!verified.ok) {
    const status = verified.error.code === 'unknown_party' || verified.error.code === 'bad_signature' ? forbidden : badRequest;
    throw status(verified.error.code, verified.error.message);
  }
  // The check below and the write after it are separated by a commit: hold the key meanwhile,
  // so two certificates for one device key (say, from two parties) cannot both pass it.
  const key = toHex(cert.deviceKey);
  if (registering.has(key)) throw conflict('device_exists', 'a registration for this device key is already in progress');
  registering.add(key);
  try {
    const existing = await deps.directory.device(cert.deviceKey);
    if (existing !== undefined && !bytesEqual(existing.certificate, cert.bytes)) {
      throw conflict('device_exists', 'this device key is already registered with another certificate');
    }
    return await sequenceCertificate(deps, cert);
  } finally {
    registering.delete(key);
  }
}

const registering = new Set<string>();

async function sequenceCertificate(deps: DirectoryDeps, cert: DeviceCertificate): Promise<Sequenced> {
  const placed = await deps.sequencer.submit({
    kind: RecordKind.certificate,
    streamTag: partyTag(cert.party),
    itemHash: certificateHash(cert),
    aux: cert.deviceKey,
    body: cert.bytes,
    directory: {
      key: cert.deviceKey,
      party: cert.party,
      member: cert.member,
      roles: encodeRoles(cert.roles),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      certificate: cert.bytes,
    },
  });
  // The access snapshot learnt of the device when its batch committed (relay.ts).
  deps.countSequenced(1, { kind: 'certificate', duplicate: String(placed.duplicate) });
  return placed;
}

export async function revokeDevice(deps: DirectoryDeps, bytes: Uint8Array): Promise<Sequenced> {
  const decoded = decodeRevocation(bytes);
  if (!decoded.ok) throw badRequest(decoded.error.code, decoded.error.message);
  const verified = verifyRevocation(decoded.value, deps.partyRoots);
  if (!verified.ok) throw forbidden(verified.error.code, verified.error.message);
  const revocation = verified.value;
  const device = deps.access.device(revocation.deviceKey);
  if (device === undefined) throw notFound('unknown_device', 'no device with this key is registered');
  if (device.party !== revocation.party) throw forbidden('wrong_party', 'a party can only revoke its own devices');
  const placed = await deps.sequencer.submit({
    kind: RecordKind.revocation,
    streamTag: partyTag(revocation.party),
    itemHash: revocationHash(revocation),
    aux: revocation.deviceKey,
    body: revocation.bytes,
    directory: { revokeKey: revocation.deviceKey, revokedAt: revocation.time },
  });
  if (revocation.time * 1000 <= deps.now()) deps.endDevice(revocation.deviceKey, 'device revoked');
  // A future-dated revocation takes effect when its time comes (AccessSnapshot.isActive checks it).
  deps.countSequenced(1, { kind: 'revocation', duplicate: String(placed.duplicate) });
  return placed;
}
