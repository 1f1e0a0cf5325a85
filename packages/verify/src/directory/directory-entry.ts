import type { Role } from '@hotline/protocol';

/**
 * A device as a key directory knows it: its certificate's fields (party, member, roles,
 * validity in seconds) and the log index of the certificate's record. The terminal keeps these
 * in SQLite; a record bundle carries them as directory entries; the rules only read them.
 */
export interface DirectoryEntry {
  readonly deviceKey: Uint8Array;
  readonly party: string;
  readonly member: string;
  readonly roles: readonly Role[];
  /** Certificate validity, seconds since the epoch: notBefore ≤ t < notAfter. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Log index of the certificate's record. */
  readonly logIndex: number;
  /** True if any revocation record for the device has been seen (judged at the caller's point). */
  readonly revoked: boolean;
}

/** A logged device certificate and, if the device was revoked, the log index of the first revocation record. */
export interface LoggedDevice extends Omit<DirectoryEntry, 'revoked'> {
  readonly revokedIndex?: number;
}
