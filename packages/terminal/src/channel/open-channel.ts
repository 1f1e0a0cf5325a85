/**
 * Opening a channel from a charter every party signed: this device creates the MLS group
 * (group id = channel id), tells the relay who may use the channel, adds every device the
 * directory verified for the charter's parties and roles — each from a key package it claims
 * from the relay, whose credential must name that device and whose MLS key must be the device
 * key — commits, and invites each added device through its relay mailbox.
 */
import { bytesEqual } from '@hotline/log';
import { createCommit, createGroup, decode, defaultProposalTypes, encode, keyPackageDecoder, mlsMessageEncoder, type KeyPackage, type Proposal } from 'ts-mls';
import { encodeEnvelope, encodeInvitation, envelopeHash, EnvelopeKind, genesisChain, channelTag, signMembership, verifyCharter, type Charter } from '@hotline/protocol';
import type { DirectoryEntry } from '../directory/directory.js';
import { keyPackageHash } from '../mls/key-packages.js';
import type { Terminal } from '../terminal.js';
import { TerminalError } from '../terminal.js';
import { recordReceipt } from './receipt.js';

export interface OpenedChannel {
  readonly invited: DirectoryEntry[];
  /** Devices that could not be added, and why (no key package published, an invalid one…). */
  readonly skipped: { entry: DirectoryEntry; reason: string }[];
  readonly commitSeq: number;
}


/**
 * Sends every stored invitation whose commit the relay has sequenced (also from flushOutbox, so
 * an open interrupted after its commit still invites everyone).
 */
export async function sendInvitations(t: Terminal): Promise<number> {
  let sent = 0;
  for (const i of t.outbox.unsentInvitations()) {
    const charter = t.charters.get(i.channelId);
    if (charter === undefined) continue;
    await t.relay.sendWelcome(i.recipient, encodeInvitation({ charter: charter.bytes, keyPackageHash: i.keyPackageHash, commitSeq: i.commitSeq, commitEnvelope: i.commitEnvelope, welcome: i.welcome }));
    t.outbox.invitationSent(i.recipient, i.commitHash);
    sent++;
  }
  return sent;
}

/**
 * Claims a key package from the relay for each device, keeping those whose credential names
 * that device and whose MLS signature key is the device key.
 */
export async function claimKeyPackages(t: Terminal, entries: readonly DirectoryEntry[]): Promise<{ adds: { entry: DirectoryEntry; keyPackage: KeyPackage; encoded: Uint8Array }[]; skipped: { entry: DirectoryEntry; reason: string }[] }> {
  const adds: { entry: DirectoryEntry; keyPackage: KeyPackage; encoded: Uint8Array }[] = [];
  const skipped: { entry: DirectoryEntry; reason: string }[] = [];
  for (const entry of entries) {
    const encoded = await t.relay.claimKeyPackage(entry.deviceKey);
    const keyPackage = encoded === undefined ? undefined : decode(keyPackageDecoder, encoded);
    if (encoded === undefined || keyPackage === undefined) {
      skipped.push({ entry, reason: encoded === undefined ? 'it has published no key package (it must run a hotline command once after init)' : 'its key package is malformed' });
      continue;
    }
    const identity = (keyPackage.leafNode.credential as { identity?: Uint8Array }).identity;
    if (identity === undefined || !bytesEqual(identity, entry.deviceKey) || !bytesEqual(keyPackage.leafNode.signaturePublicKey, entry.deviceKey)) {
      skipped.push({ entry, reason: 'the relay handed over a key package that does not belong to this device' });
      continue;
    }
    adds.push({ entry, keyPackage, encoded });
  }
  return { adds, skipped };
}

export async function openChannel(t: Terminal, charter: Charter): Promise<OpenedChannel> {
  const inForce = verifyCharter(charter, t.roots());
  if (!inForce.ok) throw new TerminalError('charter_not_in_force', `the charter is not in force: ${inForce.error.message}`, { channel: charter.name });
  if (t.charters.get(charter.channelId) !== undefined) throw new TerminalError('already_open', `channel ${charter.name} is already open on this terminal`, { channel: charter.name });
  t.adoptPolicy(charter.witnessPolicy);
  await t.refresh();
  if (!t.admits(charter, t.deviceKey)) throw new TerminalError('not_admitted', `this device (${t.certificate.member} of ${t.certificate.party}, ${t.certificate.roles.join('+')}) is not admitted by the charter, or is not yet in the verified directory`, { channel: charter.name });

  const candidates = charter.parties.flatMap((p) => t.directory.devicesOf(p.name, t.now())).filter((e) => !bytesEqual(e.deviceKey, t.deviceKey) && t.admits(charter, e.deviceKey));
  const { adds, skipped } = await claimKeyPackages(t, candidates);

  const context = await t.context(charter);
  const ownHash = keyPackageHash(await t.keyPackages.create(context, { publicKey: t.deviceKey, seed: t.device.seed }, t.now()));
  const own = t.keyPackages.find(ownHash)!;
  const group = await createGroup({ context, groupId: charter.channelId, keyPackage: own.publicPackage, privateKeyPackage: own.privatePackage });
  const proposals: Proposal[] = adds.map((a) => ({ proposalType: defaultProposalTypes.add, add: { keyPackage: a.keyPackage } }));
  const commit = await createCommit({ context, state: group, ratchetTreeExtension: true, extraProposals: proposals });
  const envelope = encodeEnvelope({ kind: EnvelopeKind.handshake, channelId: charter.channelId, commitment: new Uint8Array(32), payload: encode(mlsMessageEncoder, commit.commit) });
  const hash = envelopeHash(envelope);

  await t.relay.putMembership(charter.channelId, signMembership({ channelId: charter.channelId, version: 1, members: [t.deviceKey, ...adds.map((a) => a.entry.deviceKey)] }, t.device.signer).bytes);
  await t.exclusive.run(async () => {
    if (t.charters.get(charter.channelId) !== undefined) throw new TerminalError('already_open', `channel ${charter.name} was opened by another process on this home meanwhile`, { channel: charter.name });
    t.charters.add(charter, t.now());
    // A new group has no other member who could commit in epoch 0, so this commit cannot lose
    // its epoch: adopt its state now (joiners start in epoch 1; nothing may be sent in epoch 0).
    t.groups.save(charter.channelId, commit.newState, t.now());
    t.outbox.put(charter.channelId, hash, envelope, undefined, t.now());
    if (adds.length > 0 && commit.welcome === undefined) throw new Error('MLS produced no welcome for the added devices');
    for (const a of adds) {
      t.outbox.putInvitation({ recipient: a.entry.deviceKey, commitHash: hash, channelId: charter.channelId, keyPackageHash: keyPackageHash(a.encoded), welcome: encode(mlsMessageEncoder, commit.welcome!) });
    }
    t.archive.advance(charter.channelId, { nextSeq: 1, chain: genesisChain(channelTag(charter.channelId)) });
    t.keyPackages.remove(ownHash);
  });
  const receipt = await t.relay.submit(charter.channelId, envelope);
  recordReceipt(t, charter.channelId, hash, receipt);
  await sendInvitations(t);
  return { invited: adds.map((a) => a.entry), skipped, commitSeq: receipt.seq };
}
