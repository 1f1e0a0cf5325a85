/**
 * Sending into a channel. A statement is signed, encrypted as an MLS application message and
 * put in the outbox together with the advanced MLS state (one transaction) before the relay
 * sees it; the receipt is recorded when the relay has made it durable. If the relay cannot be
 * reached the envelope stays in the outbox and goes out on the next sync.
 *
 * Key updates (post-compromise security) are MLS commits with no proposals: the state they
 * lead to is held as pending and adopted only if the relay sequences the commit first in its
 * epoch (see sync-channel.ts).
 */
import { randomBytes } from 'node:crypto';
import { createApplicationMessage, createCommit, encode, mlsMessageEncoder } from 'ts-mls';
import { encodeEnvelope, envelopeHash, EnvelopeKind, signStatement, statementCommitment, statementId, type Charter, type Statement, type StatementType } from '@hotline/protocol';
import { isRelayUnavailable, type RelayReceipt } from '../relay-api.js';
import { TerminalError, type Terminal } from '../terminal.js';
import { allowedWhileFrozen } from '@hotline/verify';
import { isFrozen } from '../archive/archive-history.js';
import { syncChannel } from './sync-channel.js';
import { recordReceipt, submitOwn } from './receipt.js';
import type { HotlineError } from '../errors.js';
import { codedError } from '../failure.js';

export interface Sent {
  readonly statement: Statement;
  readonly statementId: Uint8Array;
  readonly envelopeHash: Uint8Array;
  /** Undefined if the relay could not be reached: the envelope waits in the outbox. */
  readonly receipt: RelayReceipt | undefined;
  readonly error?: string;
  /** The coded form of `error` (errors.ts): the relay's own answer is on its subject. */
  readonly failure?: HotlineError<string>;
  /** True if the relay could not be reached at all (the envelope is queued), false if it refused. */
  readonly unreachable?: boolean;
}

/**
 * A commit of this device that the relay has sequenced but this terminal has not yet verified
 * would leave a message sent now in the old epoch, which members it adds cannot read: verify
 * up to it first (a witnessed checkpoint must cover it), for up to `waitMs`.
 */
async function settlePendingCommit(t: Terminal, charter: Charter, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (t.groups.pending(charter.channelId) !== undefined && Date.now() < deadline) {
    try {
      await t.refresh();
      await syncChannel(t, charter);
    } catch (error) {
      // Offline: the message is kept in the current epoch and queued; it must not be lost
      // because a commit cannot be confirmed now.
      if (isRelayUnavailable(error)) return;
      throw error;
    }
    if (t.groups.pending(charter.channelId) !== undefined) await new Promise((r) => setTimeout(r, 100));
  }
}

/** Refuses, before anything is signed, a statement every terminal would mark invalid in a frozen channel. */
function refuseIfFrozen(t: Terminal, charter: Charter, type: StatementType): void {
  if (allowedWhileFrozen(type) || !isFrozen(t.archive, charter.channelId)) return;
  throw new TerminalError('frozen', `${charter.name} is frozen by a principal: only heartbeats and unfreeze may be sent until a principal unfreezes it (hotline unfreeze ${charter.name}); nothing was sent`, { channel: charter.name });
}

export async function sendStatement(t: Terminal, charter: Charter, content: { type: StatementType; body: Uint8Array; parent?: Uint8Array }): Promise<Sent> {
  const channelId = charter.channelId;
  refuseIfFrozen(t, charter, content.type);
  await settlePendingCommit(t, charter, 10_000);
  const context = await t.context(charter);
  const prepared = await t.exclusive.run(async () => {
    const state = t.groups.load(channelId);
    const position = t.archive.position(channelId);
    if (state === undefined || position === undefined) throw new TerminalError('not_a_member', `this device is not a member of channel ${charter.name}`, { channel: charter.name });
    const statement = signStatement({
      type: content.type,
      channelId,
      author: t.deviceKey,
      time: t.now(),
      head: { seq: position.nextSeq - 1, chainHash: position.chain },
      ...(content.parent === undefined ? {} : { parent: content.parent }),
      body: content.body,
      salt: new Uint8Array(randomBytes(32)),
    }, t.device.signer);
    const sent = await createApplicationMessage({ context, state, message: statement.bytes });
    const envelope = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: statementCommitment(statement), payload: encode(mlsMessageEncoder, sent.message) });
    const hash = envelopeHash(envelope);
    t.groups.save(channelId, sent.newState);
    t.outbox.put(channelId, hash, envelope, statement.bytes, t.now());
    return { statement, envelope, hash };
  });
  const base = { statement: prepared.statement, statementId: statementId(prepared.statement), envelopeHash: prepared.hash };
  try {
    const receipt = await t.relay.submit(channelId, prepared.envelope);
    recordReceipt(t, channelId, prepared.hash, receipt);
    return { ...base, receipt };
  } catch (error) {
    const failure = codedError(error);
    return { ...base, receipt: undefined, error: error instanceof Error ? error.message : String(error), ...(failure === undefined ? {} : { failure }), unreachable: isRelayUnavailable(error) };
  }
}

/** Replaces this device's leaf key now. Undefined if an earlier update is still waiting to be sequenced. */
export async function updateKeys(t: Terminal, charter: Charter): Promise<RelayReceipt | undefined> {
  const channelId = charter.channelId;
  const context = await t.context(charter);
  const prepared = await t.exclusive.run(async () => {
    const state = t.groups.load(channelId);
    if (state === undefined) throw new TerminalError('not_a_member', `this device is not a member of channel ${charter.name}`, { channel: charter.name });
    if (t.groups.pending(channelId) !== undefined) return undefined;
    const commit = await createCommit({ context, state });
    const envelope = encodeEnvelope({ kind: EnvelopeKind.handshake, channelId, commitment: new Uint8Array(32), payload: encode(mlsMessageEncoder, commit.commit) });
    const hash = envelopeHash(envelope);
    t.groups.savePending(channelId, hash, commit.newState);
    t.outbox.put(channelId, hash, envelope, undefined, t.now());
    return { envelope, hash };
  });
  if (prepared === undefined) return undefined;
  const receipt = await submitOwn(t, channelId, prepared.hash, prepared.envelope);
  return receipt === 'lost' ? undefined : receipt; // lost: another member committed first; the schedule tries again later
}

/** The charter's schedule: update keys if this device's leaf is older than the key update interval. */
export async function updateKeysIfDue(t: Terminal, charter: Charter): Promise<RelayReceipt | undefined> {
  const last = t.groups.keysUpdatedAt(charter.channelId);
  if (t.now() - last < charter.keyUpdateSeconds * 1000) return undefined;
  return updateKeys(t, charter);
}
