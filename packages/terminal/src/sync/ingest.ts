/**
 * One delivery, from the relay to the archive: verify it, then persist the outcome so that a
 * crash in between loses nothing and repeats nothing.
 *
 * - accepted: the statement and the new channel position, in one transaction (marked invalid,
 *   with the alert, if it breaks a hotline rule);
 * - an alert about content (decryption, signature, author, commitment): the position moves past
 *   the envelope (the stream itself was proven) and the alert is stored with it;
 * - an alert about the stream (gap, replay, chain, inclusion, mismatch): stored, position kept;
 * - a handshake (MLS commit), applied: the new position;
 * - pending (no checkpoint covers it yet): nothing stored; deliver it again later.
 */
import type { Delivery, Statement } from '@hotline/protocol';
import type { RuleBreach } from '../rules/statement-rules.js';
import type { Archive } from '../archive/archive.js';
import type { ChannelVerifier, Verdict } from '../verify/channel-verifier.js';

/** A hotline-rule check of an accepted statement (rules/statement-rules.ts): a breach marks it invalid. */
export type RuleCheck = (statement: Statement, seq: number) => RuleBreach | undefined;

export async function ingest(channelId: Uint8Array, delivery: Delivery, verifier: ChannelVerifier, archive: Archive, rules?: RuleCheck): Promise<Verdict & { breach?: RuleBreach }> {
  const before = verifier.position.nextSeq;
  const verdict = await verifier.accept(delivery);
  if (verdict.kind === 'accepted') {
    const breach = rules?.(verdict.statement, verdict.seq);
    archive.accept(channelId, { statement: verdict.statement, seq: verdict.seq, logIndex: verdict.logIndex, record: delivery.record }, verifier.position, breach);
    archive.keepRecord(delivery.logIndex, delivery.record);
    if (breach !== undefined) return { ...verdict, breach };
  } else if (verdict.kind === 'handshake') {
    archive.advance(channelId, verifier.position);
    archive.keepRecord(delivery.logIndex, delivery.record);
  } else if (verdict.kind === 'alert') {
    if (verifier.position.nextSeq !== before) {
      archive.skip(channelId, verifier.position, verdict.alert);
      archive.keepRecord(delivery.logIndex, delivery.record);
    }
    else archive.alert(channelId, verdict.alert);
  }
  return verdict;
}
