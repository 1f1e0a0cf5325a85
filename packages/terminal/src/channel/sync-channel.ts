/**
 * Syncing one channel: fetch what the relay has after the verified position, and run each
 * envelope through the ChannelVerifier in log order — MLS applied as it goes — persisting the
 * outcome. A page is processed under the database's write lock, in one transaction: the MLS
 * state after the page and the archive rows of its envelopes commit together, so a crash
 * repeats a page rather than losing or double-applying one.
 */
import { bytesEqual, parsePolicy, toHex, verifyCheckpointWithPolicy } from '@hotline/log';
import { terminalInclusion } from './inclusion.js';
import { MalformedReceipt, submitOwn } from './receipt.js';
import { memberKeys } from './members.js';
import type { InclusionCheck, InclusionVerdict } from '@hotline/verify';
import { sendInvitations } from './open-channel.js';
import { processMessage, type ClientState } from 'ts-mls';
import { epochOf, framed } from '../mls/framing.js';
import { memberChangeCheck } from '../mls/member-change-check.js';
import { decodeMessageBody, decodeRecord, EnvelopeKind, mayChangeMembers, StatementType, type Charter, type Delivery, type Statement } from '@hotline/protocol';
import type { LogPoint, Terminal } from '../terminal.js';
import { ChannelVerifier, type EnvelopeAlert } from '@hotline/verify';
import { ingest, type RuleCheck } from '../sync/ingest.js';
import { checkStatementRules, draftSentBy, type RuleBreach } from '@hotline/verify';
import { archiveHistory } from '../archive/archive-history.js';
import { checkForward } from './forward-check.js';

export interface AcceptedStatement {
  readonly seq: number;
  readonly logIndex: number;
  readonly statement: Statement;
  /** Set if it broke a hotline rule: archived, shown, but it counts for nothing. */
  readonly breach?: RuleBreach;
}

export interface SyncOutcome {
  readonly accepted: AcceptedStatement[];
  readonly alerts: EnvelopeAlert[];
  /** Envelopes the relay has that no verified checkpoint covers yet. */
  readonly pending: number;
  readonly handshakes: number;
}

const PAGE = 1000;
/** Clock skew tolerated between the relay's and the witnesses' clocks (as LogMonitor tolerates). */
const MAX_CLOCK_SKEW_MS = 300_000;

/** Resubmits this device's envelopes the relay has not acknowledged (after a crash or an outage). */
export async function flushOutbox(t: Terminal): Promise<number> {
  let sent = 0;
  for (const u of t.outbox.unsent()) {
    try {
      if ((await submitOwn(t, u.channelId, u.envelopeHash, u.envelope)) === 'lost') continue; // a commit that lost its epoch while queued
    } catch (error) {
      if (error instanceof MalformedReceipt) continue; // stored as evidence; the rest of the queue goes on
      throw error;
    }
    sent++;
  }
  await sendInvitations(t);
  return sent;
}

/** Checks the held checkpoint against the charter's own witness policy (if it differs from the terminal's). */
function charterPolicyAlert(t: Terminal, charter: Charter): EnvelopeAlert | undefined {
  if (charter.witnessPolicy === t.policy().text) return undefined;
  const held = t.monitor.held;
  if (held === undefined) return undefined;
  const policy = parsePolicy(charter.witnessPolicy);
  const verified = policy.ok ? verifyCheckpointWithPolicy(held.note, policy.value) : policy;
  return verified.ok ? undefined : { code: 'policy_not_met', message: `the held checkpoint does not meet the witness policy of channel ${charter.name}: ${verified.error.message}` };
}

export async function syncChannel(t: Terminal, charter: Charter, onProgress?: (done: number) => void): Promise<SyncOutcome> {
  const outcome: SyncOutcome = { accepted: [], alerts: [], pending: 0, handshakes: 0 };
  const channelId = charter.channelId;
  if (t.charters.removedAt(channelId) !== undefined) return outcome; // removed: nothing more to read
  const policyAlert = charterPolicyAlert(t, charter);
  if (policyAlert !== undefined) {
    if (t.archive.alert(channelId, policyAlert)) outcome.alerts.push(policyAlert);
    return outcome;
  }
  // Membership is judged as of each envelope's place in the log, so a device revoked later does
  // not make terminals that sync later disagree with those that synced earlier.
  let at: LogPoint | undefined;
  const context = await t.context(charter, () => at);
  const inclusion = terminalInclusion(t);
  // Rules judge authors and approvers as of the statement's place in the log too: a device
  // revoked (or expired) later must not change what an earlier statement was.
  const history = archiveHistory(t.archive, channelId);
  const rules: RuleCheck = (statement, seq) => {
    const point = at;
    const lookup = (key: Uint8Array) => (point === undefined ? t.directory.device(key, t.now()) : t.directory.deviceAt(key, point.logIndex, point.time));
    const forward = (body: Uint8Array) => checkForward(t, charter, body);
    const breach = checkStatementRules({ charter, history, author: lookup(statement.author), device: lookup, forward }, statement, seq);
    const draft = breach === undefined ? draftSentBy(statement) : undefined;
    if (draft !== undefined) t.archive.useDraft(channelId, draft, seq);
    return breach;
  };

  for (;;) {
    const start = t.archive.position(channelId);
    if (start === undefined) throw new Error(`this device is not a member of channel ${charter.name}`);
    let deliveries: Delivery[];
    try {
      deliveries = await t.relay.envelopes(channelId, start.nextSeq, PAGE);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 404) throw error;
      // The relay no longer lets this device read the channel: it was removed (the commit that
      // removed it is then unreadable to it), or the relay is withholding it. Either way, say so.
      const alert: EnvelopeAlert = { code: 'not_served', message: `the relay no longer serves ${charter.name} to this device after seq ${start.nextSeq - 1}: removed from the channel, or withheld` };
      if (t.archive.alert(channelId, alert)) outcome.alerts.push(alert);
      return outcome;
    }
    if (deliveries.length === 0) {
      // Nothing more from the relay — but the log may prove there is more: then it withholds it.
      const proven = t.provenSeq(channelId);
      if (proven >= start.nextSeq) {
        const alert: EnvelopeAlert = { code: 'withheld', message: `the log proves envelopes of this channel up to seq ${proven}, but the relay delivers nothing after seq ${start.nextSeq - 1}` };
        if (t.archive.alert(channelId, alert)) outcome.alerts.push(alert);
      }
      return outcome;
    }
    const ordered = inLogOrder(deliveries);
    if (ordered !== deliveries) {
      const alert: EnvelopeAlert = { code: 'out_of_order', message: `the relay delivered seq ${deliveries.map((d) => seqOf(d)).slice(0, 8).join(', ')}… out of order; verified in log order` };
      if (t.archive.alert(channelId, alert)) outcome.alerts.push(alert);
    }
    // Inclusion first, outside the home's write lock: it may need tiles from the relay, and a
    // slow relay must not hold up another process (hotline send) on this home.
    const proofs = new Map<number, InclusionVerdict>();
    for (const d of ordered) {
      const verdict = await inclusion(d.logIndex, d.record);
      proofs.set(d.logIndex, verdict);
      if (verdict.state === 'pending') break;
    }
    const provenInclusion: InclusionCheck = async (logIndex, record) => proofs.get(logIndex) ?? inclusion(logIndex, record);
    const progressed = await t.exclusive.run(async () => {
      const position = t.archive.position(channelId);
      if (position === undefined || position.nextSeq !== start.nextSeq) return true; // another process moved on: fetch again
      let state: ClientState = t.groups.load(channelId)!;
      let pending = t.groups.pending(channelId);
      let keysUpdated: number | undefined;
      let changed = false;
      let removed = false;
      let membersOf: ClientState | undefined;
      let members = new Set<string>();
      const verifier = new ChannelVerifier(channelId, {
        inclusion: provenInclusion,
        latestReceiveTime: () => {
          // The newest checkpoint on this home, not just this process's: another process may
          // have proven the record (channel_records) under a checkpoint this one has not seen.
          const held = t.newestHeldCheckpoint();
          return held === undefined || held.cosignedAt === 0 ? undefined : held.cosignedAt * 1000 + MAX_CLOCK_SKEW_MS;
        },
        isMemberDevice: (key) => {
          // Members come from the MLS state at this envelope (commits change them mid-page).
          if (membersOf !== state) {
            membersOf = state;
            members = new Set(memberKeys(state).map((k) => toHex(k)));
          }
          const hex = toHex(key);
          if (!members.has(hex)) return false;
          return t.admits(charter, key, at);
        },
        isDuplicate: (statement) => t.archive.has(statement),
        decrypt: async (envelope, hash) => {
          if (envelope.kind === EnvelopeKind.handshake) {
            if (pending !== undefined && bytesEqual(pending.envelopeHash, hash)) {
              state = pending.state; // our own commit came first in its epoch: adopt what it leads to
              pending = undefined;
              t.groups.clearPending(channelId);
              keysUpdated = t.now();
              changed = true;
              return 'handshake';
            }
            if (t.outbox.isOurs(hash)) {
              // Our commit, already applied (a channel's opening commit) — unless the log now
              // carries it a second time: then this copy is a replay, void for every member.
              const first = t.outbox.receiptOf(hash);
              if (first !== undefined && at !== undefined && first.logIndex !== at.logIndex) return { voidCommit: `this device's own MLS commit, sequenced at log index ${first.logIndex}, sequenced again: a replay, ignored by every member` };
              return 'handshake';
            }
            const message = framed(envelope.payload);
            // A commit for an epoch that already has one (a replayed opening commit, or the loser
            // of a race the relay should have refused): void for every member, and named.
            const epoch = epochOf(message);
            if (epoch < state.groupContext.epoch) return { voidCommit: `an MLS commit for epoch ${epoch}, which already has one (the channel is at epoch ${state.groupContext.epoch}): the relay must accept one commit per epoch; ignored by every member` };
            const check = memberChangeCheck(state, (key) => mayChangeMembersAt(t, key, at));
            const result = await processMessage({ context, state, message, callback: check.callback });
            if (result.kind !== 'newState') throw new Error('a handshake envelope carried an application message');
            state = result.newState;
            changed = true;
            if (!memberKeys(state).some((k) => bytesEqual(k, t.deviceKey))) removed = true;
            if (pending !== undefined) {
              pending = undefined; // our commit lost its epoch; the next key update will retry
              t.groups.clearPending(channelId);
            }
            const refusal = check.refusal();
            return refusal === undefined ? 'handshake' : { unauthorisedChange: refusal };
          }
          const own = t.outbox.statement(hash);
          if (own !== undefined) return own;
          const result = await processMessage({ context, state, message: framed(envelope.payload) });
          if (result.kind !== 'applicationMessage') throw new Error('an application envelope carried an MLS commit');
          state = result.newState;
          changed = true;
          return result.message;
        },
      }, position);
      for (const delivery of ordered) {
        const before = verifier.position.nextSeq;
        const placed = decodeRecord(delivery.record);
        at = placed.ok ? { logIndex: delivery.logIndex, time: placed.value.receivedAt } : undefined;
        const verdict = await ingest(channelId, delivery, verifier, t.archive, rules);
        if (verdict.kind === 'accepted') {
          outcome.accepted.push({ seq: verdict.seq, logIndex: verdict.logIndex, statement: verdict.statement, ...(verdict.breach === undefined ? {} : { breach: verdict.breach }) });
          if (verdict.breach !== undefined) outcome.alerts.push({ ...verdict.breach, seq: verdict.seq, logIndex: verdict.logIndex });
        }
        else if (verdict.kind === 'handshake') {
          (outcome as { handshakes: number }).handshakes++;
          if (removed) {
            t.charters.markRemoved(channelId, verdict.seq);
            break;
          }
        }
        else if (verdict.kind === 'pending') {
          (outcome as { pending: number }).pending = ordered.length - ordered.indexOf(delivery);
          break;
        } else {
          if (!outcome.alerts.some((a) => a.code === verdict.alert.code && a.seq === verdict.alert.seq)) outcome.alerts.push(verdict.alert);
          if (removed) {
            t.charters.markRemoved(channelId, verdict.alert.seq ?? verifier.position.nextSeq - 1); // an applied commit that removed this device, named as evidence
            break;
          }
          if (verifier.position.nextSeq === before) break; // a stream alert (gap, chain, inclusion…): nothing after it can be verified
        }
      }
      if (changed) t.groups.save(channelId, state, keysUpdated);
      onProgress?.(outcome.accepted.length + outcome.handshakes);
      return removed ? false : verifier.position.nextSeq > position.nextSeq;
    });
    if (!progressed || outcome.pending > 0) return outcome;
  }
}

/** protocol.md §8: the device holds a member-change role at this place in the log. */
function mayChangeMembersAt(t: Terminal, deviceKey: Uint8Array, at: LogPoint | undefined): boolean {
  const entry = at === undefined ? undefined : t.directory.deviceAt(deviceKey, at.logIndex, at.time);
  return entry !== undefined && mayChangeMembers(entry.roles);
}

function seqOf(delivery: Delivery): number {
  const record = decodeRecord(delivery.record);
  return record.ok ? record.value.seq : 0;
}

/** The deliveries sorted by their records' seq; the same array if they already were. */
function inLogOrder(deliveries: Delivery[]): Delivery[] {
  const seqs = deliveries.map(seqOf);
  if (seqs.every((s, i) => i === 0 || s >= seqs[i - 1]!)) return deliveries;
  return deliveries.map((d, i) => ({ d, s: seqs[i]! })).sort((a, b) => a.s - b.s).map((x) => x.d);
}
