/**
 * MLS credential validation against Hotline's key directory, replacing ts-mls's accept-all
 * testing service: a member's basic credential names a device (its identity is the device's
 * 32-byte public key), and the MLS signature key must be a key that device's verified
 * certificate vouches for. The lookup is the terminal's directory (certificates verified
 * against pinned party roots and included under a witnessed checkpoint).
 */
import { bytesEqual } from '@hotline/log';
import { defaultCredentialTypes, type AuthenticationService, type Credential } from 'ts-mls';

/** Returns the MLS signature public keys a device may use, or undefined for an unknown device. */
export type DeviceKeyLookup = (deviceKey: Uint8Array) => readonly Uint8Array[] | undefined;


export function directoryAuthenticationService(lookup: DeviceKeyLookup): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      if (credential.credentialType !== defaultCredentialTypes.basic) return false;
      const identity = (credential as { identity: Uint8Array }).identity;
      if (identity.length !== 32) return false;
      const allowed = lookup(identity);
      return allowed !== undefined && allowed.some((k) => bytesEqual(k, signaturePublicKey));
    },
  };
}
