/**
 * Changing who is in a channel after it was opened: adding devices the directory verified
 * since (a member enrolled later), and removing a device (MLS remove: it can read nothing sent
 * after the commit). protocol.md §8 names who may: a member device certified with a
 * member-change role (admin) — the relay checks it when the new access list arrives, and every
 * member when the commit does. Each is an MLS commit held pending until the log puts it first
 * in its epoch (as key updates are); invitations go out once the relay has sequenced it. When
 * two devices change the same epoch at once the relay takes the first commit and refuses the
 * other (409 `epoch_committed`): the loser drops its commit, signs no access list, reports
 * `lost_epoch`, and sees the winner's change when it catches up.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { createCommit, defaultProposalTypes, encode, getGroupMembers, mlsMessageEncoder, nodeTypes, type ClientState, type Proposal } from 'ts-mls';
import { encodeEnvelope, envelopeHash, EnvelopeKind, mayChangeMembers, openMembership, signMembership, type Charter } from '@hotline/protocol';
import type { DirectoryEntry } from '../directory/directory.js';
import { keyPackageHash } from '../mls/key-packages.js';
import type { RelayReceipt } from '../relay-api.js';
import { submitOwn } from './receipt.js';
import { TerminalError, type Terminal } from '../terminal.js';
import { claimKeyPackages, sendInvitations } from './open-channel.js';

/** The device keys of the group's members. */
export function memberKeys(state: ClientState): Uint8Array[] {
  return getGroupMembers(state).map((leaf) => (leaf.credential as { identity: Uint8Array }).identity);
}

/**
 * Why this device made no change to a channel's members: `not_authorised` (it holds no
 * member-change role), `lost_epoch` (another member's commit took the epoch first: catch up,
 * then see whether the change is still needed).
 */
export class MemberChangeRefused extends TerminalError {
  override readonly name = 'MemberChangeRefused';
  constructor(
    override readonly code: 'not_authorised' | 'lost_epoch',
    readonly channel: string,
    message: string,
  ) {
    super(code, message, { channel });
  }
}

/** The relay's access list, once this device is known to hold a role that may replace it. */
async function accessList(t: Terminal, charter: Charter): Promise<{ version: number; members: readonly Uint8Array[] }> {
  const bytes = await t.relay.membership(charter.channelId);
  const doc = bytes === undefined ? undefined : openMembership(bytes);
  if (doc === undefined || !doc.ok) throw new TerminalError('no_access_list', `the relay has no valid access list for ${charter.name}`, { channel: charter.name });
  if (!mayChangeMembers(t.certificate.roles)) {
    throw new MemberChangeRefused('not_authorised', charter.name, `only a member device with the admin role can change the members of ${charter.name}`);
  }
  return doc.value;
}

/**
 * The members of the next access list: the current ones less any the verified directory shows
 * revoked, which the relay refuses on a list (400 `unknown_member`) — with two revoked devices
 * in a channel, the list removing the first must not still name the second.
 */
function stillListed(t: Terminal, members: readonly Uint8Array[]): Uint8Array[] {
  return members.filter((m) => t.directory.entry(m)?.revoked !== true);
}

/** Commits `proposals`, held pending, with the envelope in the outbox and any invitations stored alongside. */
async function commitChange(t: Terminal, charter: Charter, proposals: Proposal[], invite: { entry: DirectoryEntry; encoded: Uint8Array }[]): Promise<{ envelope: Uint8Array; hash: Uint8Array }> {
  const context = await t.context(charter);
  return t.exclusive.run(async () => {
    const state = t.groups.load(charter.channelId);
    if (state === undefined) throw new TerminalError('not_a_member', `this device is not a member of ${charter.name}`, { channel: charter.name });
    if (t.groups.pending(charter.channelId) !== undefined) throw new TerminalError('change_pending', `an earlier change to ${charter.name} is not sequenced yet: catch up (hotline watch ${charter.name} --once) and try again`, { channel: charter.name });
    const commit = await createCommit({ context, state, ratchetTreeExtension: true, extraProposals: proposals });
    const envelope = encodeEnvelope({ kind: EnvelopeKind.handshake, channelId: charter.channelId, commitment: new Uint8Array(32), payload: encode(mlsMessageEncoder, commit.commit) });
    const hash = envelopeHash(envelope);
    t.groups.savePending(charter.channelId, hash, commit.newState);
    t.outbox.put(charter.channelId, hash, envelope, undefined, t.now());
    if (invite.length > 0 && commit.welcome === undefined) throw new Error('MLS produced no welcome for the added devices');
    for (const a of invite) t.outbox.putInvitation({ recipient: a.entry.deviceKey, commitHash: hash, channelId: charter.channelId, keyPackageHash: keyPackageHash(a.encoded), welcome: encode(mlsMessageEncoder, commit.welcome!) });
    return { envelope, hash };
  });
}

async function submit(t: Terminal, charter: Charter, change: { envelope: Uint8Array; hash: Uint8Array }): Promise<RelayReceipt> {
  const receipt = await submitOwn(t, charter.channelId, change.hash, change.envelope);
  if (receipt === 'lost') throw new MemberChangeRefused('lost_epoch', charter.name, `another member changed ${charter.name} first (its epoch already has a commit): catch up and try again`);
  await sendInvitations(t);
  return receipt;
}

/** Adds every device the verified directory admits that is not yet a member. */
export async function addMembers(t: Terminal, charter: Charter): Promise<{ invited: DirectoryEntry[]; skipped: { entry: DirectoryEntry; reason: string }[]; receipt: RelayReceipt | undefined }> {
  await t.refresh();
  const list = await accessList(t, charter);
  const state = t.groups.load(charter.channelId);
  if (state === undefined) throw new TerminalError('not_a_member', `this device is not a member of ${charter.name}`, { channel: charter.name });
  const current = new Set(memberKeys(state).map((k) => toHex(k)));
  const candidates = charter.parties.flatMap((p) => t.directory.devicesOf(p.name, t.now())).filter((e) => !current.has(toHex(e.deviceKey)) && t.admits(charter, e.deviceKey));
  const { adds, skipped } = await claimKeyPackages(t, candidates);
  if (adds.length === 0) return { invited: [], skipped, receipt: undefined };
  const change = await commitChange(t, charter, adds.map((a) => ({ proposalType: defaultProposalTypes.add, add: { keyPackage: a.keyPackage } })), adds);
  await t.relay.putMembership(charter.channelId, signMembership({ channelId: charter.channelId, version: list.version + 1, members: [...stillListed(t, list.members), ...adds.map((a) => a.entry.deviceKey)] }, t.device.signer).bytes);
  return { invited: adds.map((a) => a.entry), skipped, receipt: await submit(t, charter, change) };
}

/** Removes a device from the channel: it reads nothing sent after the commit, and the relay stops serving it. */
export async function removeMember(t: Terminal, charter: Charter, deviceKey: Uint8Array): Promise<RelayReceipt> {
  if (bytesEqual(deviceKey, t.deviceKey)) throw new TerminalError('not_permitted', 'a device does not remove itself: another member removes it', { channel: charter.name });
  const list = await accessList(t, charter);
  const state = t.groups.load(charter.channelId);
  if (state === undefined) throw new TerminalError('not_a_member', `this device is not a member of ${charter.name}`, { channel: charter.name });
  const leaf = state.ratchetTree.findIndex((node, i) => i % 2 === 0 && node?.nodeType === nodeTypes.leaf && bytesEqual((node.leaf.credential as { identity: Uint8Array }).identity, deviceKey));
  if (leaf < 0) throw new TerminalError('not_a_member', `device ${toHex(deviceKey).slice(0, 16)}… is not a member of ${charter.name}`, { channel: charter.name });
  const change = await commitChange(t, charter, [{ proposalType: defaultProposalTypes.remove, remove: { removed: leaf / 2 } }], []);
  const receipt = await submit(t, charter, change);
  await t.relay.putMembership(charter.channelId, signMembership({ channelId: charter.channelId, version: list.version + 1, members: stillListed(t, list.members).filter((m) => !bytesEqual(m, deviceKey)) }, t.device.signer).bytes);
  return receipt;
}
