/**
 * Revoking a device (issue 11 item 5): the party root signs a revocation that the relay appends
 * to the logged directory; every terminal then refuses the device as an author from that point
 * of the log. The device must also leave every MLS group it is in, or it could still read: every
 * running terminal that may change a channel's members (a member device with the admin role:
 * protocol.md §8, §16a) removes each revoked member as soon as its directory shows the
 * revocation — so the removal happens even if the opener never comes back. Several may try at
 * once; the relay's one-commit-per-epoch rule keeps exactly one removal commit in the log, and
 * each loser finds the device gone when it catches up.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { issueRevocation, partyRootSigner, type Charter } from '@hotline/protocol';
import type { SignerKey } from '@hotline/log';
import { TerminalError, type Terminal } from '../terminal.js';
import type { RelayReceipt } from '../relay-api.js';
import { MemberChangeRefused, memberKeys, removeMember } from './members.js';

/** The device of this party whose key is `hex` or starts with it (at least 8 hex digits), as the verified directory knows it. */
export function findOwnDevice(t: Terminal, hex: string): Uint8Array {
  if (!/^[0-9a-f]{8,64}$/.test(hex)) throw new TerminalError('bad_id', `a device is named by its key: 8 to 64 lower-case hex digits, got ${JSON.stringify(hex.slice(0, 70))}`);
  const matches = t.directory.all().filter((e) => e.party === t.certificate.party && toHex(e.deviceKey).startsWith(hex));
  if (matches.length === 0) throw new TerminalError('not_found', `no device of ${t.certificate.party} in the verified directory has a key starting ${hex}`);
  if (matches.length > 1) throw new TerminalError('ambiguous', `${hex} names ${matches.length} devices of ${t.certificate.party}: give more hex digits`);
  return matches[0]!.deviceKey;
}

/** Signs a revocation of one of this party's devices with the party root and hands it to the relay's logged directory. */
export async function revokeDevice(t: Terminal, root: SignerKey, deviceKey: Uint8Array, reason: string): Promise<RelayReceipt> {
  if (t.relay.revokeDevice === undefined) throw new TerminalError('unsupported', 'this relay connection cannot submit revocations');
  if (bytesEqual(deviceKey, t.deviceKey)) throw new TerminalError('not_permitted', 'this device would revoke itself: revoke it from another device of the party (its administrator\'s home)');
  const revocation = issueRevocation({ party: root.name, deviceKey, time: Math.floor(t.now() / 1000), reason }, partyRootSigner(root));
  t.directory.keepRevocation(revocation.bytes); // kept at once: a record export needs it even before the next log scan
  return t.relay.revokeDevice(revocation.bytes);
}

/**
 * Removes from each channel this device may change the members of every member the verified
 * directory shows revoked. One commit at a time: a channel with a removal still waiting for its
 * seq is left for the next round. Returns the removals made.
 */
export async function removeRevokedMembers(t: Terminal): Promise<{ channel: string; deviceKey: string }[]> {
  const removed: { channel: string; deviceKey: string }[] = [];
  for (const charter of t.charters.all()) {
    const key = revokedMember(t, charter);
    if (key === undefined || t.groups.pending(charter.channelId) !== undefined) continue;
    try {
      await removeMember(t, charter, key);
      removed.push({ channel: charter.name, deviceKey: toHex(key) });
    } catch (error) {
      // Not a device that may change this channel's members (an authorised one removes the
      // device), or another one's removal took the epoch first (the next catch-up shows it).
      if (error instanceof MemberChangeRefused) continue;
      throw error;
    }
  }
  return removed;
}

function revokedMember(t: Terminal, charter: Charter): Uint8Array | undefined {
  if (t.charters.removedAt(charter.channelId) !== undefined) return undefined;
  const state = t.groups.load(charter.channelId);
  if (state === undefined) return undefined;
  return memberKeys(state).find((k) => !bytesEqual(k, t.deviceKey) && t.directory.entry(k)?.revoked === true);
}
