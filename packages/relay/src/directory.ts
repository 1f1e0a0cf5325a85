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
import type { RelayContext } from './context.js';
import { badRequest, conflict, forbidden, notFound } from './errors.js';
import type { Sequenced } from './storage/store.js';

export async function registerDevice(ctx: RelayContext, bytes: Uint8Array): Promise<Sequenced> {
  const decoded = decodeDeviceCertificate(bytes);
  if (!decoded.ok) throw badRequest(decoded.error.code, decoded.error.message);
  const cert = decoded.value;
  const verified = verifyDeviceCertificate(cert, ctx.partyRoots, Math.floor(ctx.now() / 1000));
  if (!verified.ok) {
    const status = verified.error.code === 'unknown_party' || verified.error.code === 'bad_signature' ? forbidden : badRequest;
    throw status(verified.error.code, verified.error.message);
  }
  const existing = ctx.store.device(cert.deviceKey);
  if (existing !== undefined && !bytesEqual(existing.certificate, cert.bytes)) {
    throw conflict('device_exists', 'this device key is already registered with another certificate');
  }
  // The check above and the write below are separated by a commit: hold the key meanwhile, so
  // two certificates for one device key (say, from two parties) cannot both pass it.
  const key = toHex(cert.deviceKey);
  if (registering.has(key)) throw conflict('device_exists', 'a registration for this device key is already in progress');
  registering.add(key);
  try {
    return await sequenceCertificate(ctx, cert);
  } finally {
    registering.delete(key);
  }
}

const registering = new Set<string>();

async function sequenceCertificate(ctx: RelayContext, cert: DeviceCertificate): Promise<Sequenced> {
  const placed = await ctx.sequencer.submit({
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
  ctx.store.forgetDevice(cert.deviceKey);
  ctx.count.sequenced(1, { kind: 'certificate', duplicate: String(placed.duplicate) });
  return placed;
}

export async function revokeDevice(ctx: RelayContext, bytes: Uint8Array): Promise<Sequenced> {
  const decoded = decodeRevocation(bytes);
  if (!decoded.ok) throw badRequest(decoded.error.code, decoded.error.message);
  const verified = verifyRevocation(decoded.value, ctx.partyRoots);
  if (!verified.ok) throw forbidden(verified.error.code, verified.error.message);
  const revocation = verified.value;
  const device = ctx.store.device(revocation.deviceKey);
  if (device === undefined) throw notFound('unknown_device', 'no device with this key is registered');
  if (device.party !== revocation.party) throw forbidden('wrong_party', 'a party can only revoke its own devices');
  const placed = await ctx.sequencer.submit({
    kind: RecordKind.revocation,
    streamTag: partyTag(revocation.party),
    itemHash: revocationHash(revocation),
    aux: revocation.deviceKey,
    body: revocation.bytes,
    directory: { revokeKey: revocation.deviceKey, revokedAt: revocation.time },
  });
  ctx.store.forgetDevice(revocation.deviceKey);
  if (revocation.time * 1000 <= ctx.now()) {
    ctx.sessions.endDevice(revocation.deviceKey);
    ctx.fanout.disconnectDevice(revocation.deviceKey, 'device revoked');
  } // a future-dated revocation takes effect when its time comes (deviceIsActive checks it)
  ctx.count.sequenced(1, { kind: 'revocation', duplicate: String(placed.duplicate) });
  return placed;
}

/** A device may act only while registered, unrevoked and within its certificate's window. */
export function deviceIsActive(ctx: RelayContext, deviceKey: Uint8Array): boolean {
  const device = ctx.store.device(deviceKey);
  if (device === undefined) return false;
  const now = Math.floor(ctx.now() / 1000);
  if (device.revokedAt !== undefined && device.revokedAt <= now) return false;
  return now >= device.notBefore && now < device.notAfter;
}
