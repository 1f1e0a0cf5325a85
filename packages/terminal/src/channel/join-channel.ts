/**
 * Joining channels from the invitations in this device's relay mailbox. Each is checked before
 * anything is stored: the charter must be signed by every party with the roots this terminal
 * pinned and admit this device; the MLS welcome must be for one of this device's key packages
 * and its tree's credentials must all be directory-verified devices the charter admits; and the
 * commit the welcome follows must be in the log, at the seq the invitation claims, under a
 * verified checkpoint. The member's verified history starts right after that commit.
 */
import { bytesEqual } from '@hotline/log';
import { epochOf, framed } from '../mls/framing.js';
import { decode, joinGroup, mlsMessageDecoder, wireformats } from 'ts-mls';
import { channelTag, decodeCharter, decodeEnvelope, decodeInvitation, decodeRecord, EnvelopeKind, envelopeHash, verifyCharter, type Charter, type Invitation } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { terminalInclusion } from './inclusion.js';

export interface JoinOutcome {
  readonly joined: Charter[];
  /** Invitations refused (and removed from the mailbox), each with the reason. */
  readonly refused: string[];
  /** Invitations kept for a later try (e.g. no checkpoint covers the commit yet). */
  readonly waiting: string[];
  /**
   * Invitations kept until this terminal pins the root of every party their charter names
   * (`hotline party trust`): the terminal cannot judge them yet, and deleting them would leave
   * nothing to accept once it can.
   */
  readonly untrusted: string[];
}

type Verdict = { kind: 'joined'; charter: Charter } | { kind: 'refused' | 'waiting' | 'untrusted'; reason: string };

export async function acceptInvitations(t: Terminal): Promise<JoinOutcome> {
  const outcome: JoinOutcome = { joined: [], refused: [], waiting: [], untrusted: [] };
  const mail = await t.relay.welcomes();
  if (mail.length === 0) return outcome;
  for (const item of mail) {
    const verdict = await acceptOne(t, item.body);
    if (verdict.kind === 'waiting' || verdict.kind === 'untrusted') {
      outcome[verdict.kind].push(verdict.reason);
      continue;
    }
    if (verdict.kind === 'joined') outcome.joined.push(verdict.charter);
    else if (!/already a member$/.test(verdict.reason)) outcome.refused.push(verdict.reason);
    await t.relay.deleteMail(item.id).catch((error: unknown) => {
      if (!(error instanceof Error && /\b404\b/.test(error.message))) throw error; // another process took it first
    });
  }
  await t.topUpKeyPackages();
  return outcome;
}

async function acceptOne(t: Terminal, body: Uint8Array): Promise<Verdict> {
  const refuse = (reason: string): Verdict => ({ kind: 'refused', reason });
  const invitation = decodeInvitation(body);
  if (!invitation.ok) return refuse(`malformed invitation: ${invitation.error.message}`);
  const inv = invitation.value;
  const decoded = decodeCharter(inv.charter);
  if (!decoded.ok) return refuse(`invitation with a bad charter: ${decoded.error.message}`);
  const charter = decoded.value;
  const inForce = verifyCharter(charter, t.roots());
  // A party whose root is not pinned here yet is the user's next step, not a fault of the
  // invitation; a root that differs from the pinned one, or a missing signature, is a fault.
  if (!inForce.ok && inForce.error.code === 'unknown_party') return { kind: 'untrusted', reason: `invitation to ${charter.name}: ${inForce.error.message}` };
  if (!inForce.ok) return refuse(`invitation to ${charter.name}: the charter is not in force here: ${inForce.error.message}`);
  if (t.charters.get(charter.channelId) !== undefined) return refuse(`invitation to ${charter.name}: already a member`);
  if (!charter.parties.some((p) => p.name === t.certificate.party) || !t.certificate.roles.some((r) => charter.memberRoles.includes(r))) {
    return refuse(`invitation to ${charter.name}: the charter does not admit this device (${t.certificate.party}, ${t.certificate.roles.join(', ')})`);
  }
  // Verify the log under the charter's policy if this home has none yet — but adopt it only on
  // success: a refused invitation must not change how this terminal verifies anything.
  const undoPolicy = t.tryPolicy(charter.witnessPolicy);
  const verdict = await acceptVerified(t, inv, charter);
  if (verdict.kind === 'joined') t.adoptPolicy(charter.witnessPolicy);
  else undoPolicy();
  return verdict;
}

async function acceptVerified(t: Terminal, inv: Invitation, charter: Charter): Promise<Verdict> {
  const refuse = (reason: string): Verdict => ({ kind: 'refused', reason });
  await t.refresh();
  // Our own device not (yet) in the verified directory means the log scan is behind: wait.
  if (!t.admits(charter, t.deviceKey)) return { kind: 'waiting', reason: `invitation to ${charter.name}: the verified directory does not cover this device yet` };
  const keyPackage = t.keyPackages.find(inv.keyPackageHash);
  if (keyPackage === undefined) return refuse(`invitation to ${charter.name}: made for a key package this device does not hold`);
  const welcome = decode(mlsMessageDecoder, inv.welcome);
  if (welcome === undefined || welcome.wireformat !== wireformats.mls_welcome) return refuse(`invitation to ${charter.name}: the welcome is not an MLS welcome`);

  // The commit the welcome follows: in the channel's stream, at the claimed seq, in the log.
  const [delivery] = await t.relay.envelopes(charter.channelId, inv.commitSeq, 1).catch(() => []);
  const record = delivery === undefined ? undefined : decodeRecord(delivery.record);
  if (delivery === undefined || record === undefined || !record.ok) return { kind: 'waiting', reason: `invitation to ${charter.name}: the relay does not serve its commit (seq ${inv.commitSeq}) yet` };
  const r = record.value;
  if (r.seq !== inv.commitSeq || !bytesEqual(r.streamTag, channelTag(charter.channelId)) || !bytesEqual(delivery.envelope, inv.commitEnvelope) || !bytesEqual(r.itemHash, envelopeHash(inv.commitEnvelope))) {
    return refuse(`invitation to ${charter.name}: its commit is not the envelope the log holds at seq ${inv.commitSeq}`);
  }
  const included = await terminalInclusion(t)(delivery.logIndex, delivery.record);
  if (included.state === 'pending') return { kind: 'waiting', reason: `invitation to ${charter.name}: waiting for a witnessed checkpoint to cover its commit` };
  if (included.state === 'not_included') return refuse(`invitation to ${charter.name}: ${included.message}`);

  const context = await t.context(charter);
  let state;
  try {
    state = await joinGroup({ context, welcome: welcome.welcome, keyPackage: keyPackage.publicPackage, privateKeys: keyPackage.privatePackage });
  } catch (error) {
    // Most often a member's certificate is not in the verified directory yet: keep it and retry.
    return { kind: 'waiting', reason: `invitation to ${charter.name}: MLS does not accept the welcome yet: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!bytesEqual(state.groupContext.groupId, charter.channelId)) return refuse(`invitation to ${charter.name}: the welcome is for another group than the charter's channel`);
  // The start of this member's history: the commit that added it, a handshake of the epoch
  // before the one the welcome joins. (The relay chooses which envelope the invitation names;
  // this pins it to a commit of exactly that epoch.)
  const commit = decodeEnvelope(inv.commitEnvelope);
  let epoch: bigint | undefined;
  try {
    epoch = commit.ok && commit.value.kind === EnvelopeKind.handshake ? epochOf(framed(commit.value.payload)) : undefined;
  } catch {
    epoch = undefined; // not an MLS framed message
  }
  if (epoch === undefined || epoch + 1n !== state.groupContext.epoch) {
    return refuse(`invitation to ${charter.name}: seq ${inv.commitSeq} is not the commit that the welcome follows (epoch ${state.groupContext.epoch})`);
  }
  const stored = await t.exclusive.run(async () => {
    // Another process on this home may have joined meanwhile: never overwrite its state.
    if (t.charters.get(charter.channelId) !== undefined || t.groups.load(charter.channelId) !== undefined) return false;
    t.charters.add(charter, t.now());
    t.groups.save(charter.channelId, state, t.now());
    t.archive.advance(charter.channelId, { nextSeq: r.seq + 1, chain: r.chainHash, receivedAt: r.receivedAt });
    t.archive.keepRecord(delivery.logIndex, delivery.record); // the first record of this member's history, for a record export
    t.keyPackages.remove(inv.keyPackageHash);
    return true;
  });
  return stored ? { kind: 'joined', charter } : refuse(`invitation to ${charter.name}: already a member`);
}
