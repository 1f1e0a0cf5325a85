/**
 * Device enrolment: the party's administrator certifies a device key for a member with roles
 * (DESIGN.md §4). The certificate then goes to the relay's directory, where every terminal can
 * check it against the party's pinned root.
 */
import { decodeDeviceCertificate, issueDeviceCertificate, partyRootSigner, type DeviceCertificate, type Role } from '@hotline/protocol';
import type { SignerKey } from '@hotline/log';
import { KeyStoreError } from './keys/keystore.js';

export interface EnrolmentRequest {
  readonly deviceKey: Uint8Array;
  readonly member: string;
  readonly roles: readonly Role[];
  /** Validity in days from now (a device certificate is not forever). */
  readonly days: number;
  readonly now?: number;
}

/** Issues a certificate; pass the key store to remember the device for key transparency. */
export function enrolDevice(partyRoot: SignerKey, request: EnrolmentRequest, store?: { rememberEnrolled(deviceKey: Uint8Array): void }): DeviceCertificate {
  if (request.roles.length === 0) throw new KeyStoreError('bad_key', 'a device needs at least one role');
  const now = Math.floor((request.now ?? Date.now()) / 1000);
  let certificate: DeviceCertificate;
  try {
    certificate = issueDeviceCertificate(
      { party: partyRoot.name, member: request.member, roles: request.roles, deviceKey: request.deviceKey, notBefore: now - 300, notAfter: now + request.days * 86_400 },
      partyRootSigner(partyRoot),
    );
  } catch (error) {
    throw new KeyStoreError('bad_key', (error as Error).message);
  }
  store?.rememberEnrolled(request.deviceKey); // only once the certificate exists
  return certificate;
}

/** Checks that a certificate handed to this device is well formed and names this device. */
export function certificateForDevice(bytes: Uint8Array, deviceKey: Uint8Array): DeviceCertificate {
  const cert = decodeDeviceCertificate(bytes);
  if (!cert.ok) throw new KeyStoreError('bad_key', `certificate: ${cert.error.message}`);
  if (!cert.value.deviceKey.every((b, i) => b === deviceKey[i])) throw new KeyStoreError('bad_key', 'this certificate is for another device key');
  return cert.value;
}
