/**
 * A channel's members as typed data (issue 11 item 2): every leaf of this terminal's MLS group
 * for the channel, named only by what the verified directory says about its device key — a key
 * the directory does not know is listed with null names, never with a name it claims itself.
 */
import { toHex } from '@hotline/log';
import type { Charter } from '@hotline/protocol';
import { getGroupMembers } from 'ts-mls';
import type { Terminal } from '../terminal.js';

export interface MemberView {
  /** The device key, whole (64 hex): the MLS credential's identity. */
  readonly deviceKey: string;
  /** Null when the verified directory does not know the device. */
  readonly party: string | null;
  readonly member: string | null;
  readonly roles: readonly string[];
  /** True once the party's root revoked the device in the logged directory (it may still be a leaf until someone removes it). */
  readonly revoked: boolean;
}

/** The channel's MLS members, sorted by party, member and key; empty if this terminal holds no group state for it. */
export function membersView(t: Pick<Terminal, 'groups' | 'directory'>, charter: Charter): MemberView[] {
  const state = t.groups.load(charter.channelId);
  if (state === undefined) return [];
  return getGroupMembers(state)
    .map((leaf) => memberView(t, (leaf.credential as { identity: Uint8Array }).identity))
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

function memberView(t: Pick<Terminal, 'directory'>, deviceKey: Uint8Array): MemberView {
  const entry = t.directory.entry(deviceKey);
  if (entry === undefined) return { deviceKey: toHex(deviceKey), party: null, member: null, roles: [], revoked: false };
  return { deviceKey: toHex(deviceKey), party: entry.party, member: entry.member, roles: [...entry.roles], revoked: entry.revoked };
}

function sortKey(m: MemberView): string {
  return `${m.party ?? '\uffff'}\u0000${m.member ?? ''}\u0000${m.deviceKey}`;
}
