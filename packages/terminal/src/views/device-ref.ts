/** A device as the verified directory names it: the one way views refer to a person's device. */
import { toHex } from '@hotline/log';
import type { DirectoryEntry } from '../directory/directory.js';

export interface DeviceRef {
  readonly party: string;
  readonly member: string;
  /** Whole (64 hex). */
  readonly deviceKey: string;
}

export function deviceRef(entry: Pick<DirectoryEntry, 'party' | 'member' | 'deviceKey'>): DeviceRef {
  return { party: entry.party, member: entry.member, deviceKey: toHex(entry.deviceKey) };
}
