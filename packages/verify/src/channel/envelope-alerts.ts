import type { RuleAlertCode } from '../rules/rule-breach.js';

/**
 * The named alerts a terminal raises about a channel's envelopes (DESIGN.md §5): never a
 * silent drop. Each says what the relay (or a member) did wrong.
 */
export type EnvelopeAlertCode =
  /** The delivery, record or envelope bytes are not well formed. */
  | 'malformed_delivery'
  /** The log record is for another stream or another kind of item than this channel's envelopes. */
  | 'record_mismatch'
  /** The log record's item hash is not the hash of the envelope delivered with it. */
  | 'envelope_mismatch'
  /** A seq this terminal has already accepted: a replay. */
  | 'replayed'
  /** A seq beyond the next expected one: envelopes were withheld. */
  | 'gap'
  /** The log proves envelopes of this channel that the relay does not deliver. */
  | 'withheld'
  /** The relay refuses this device the channel (it was removed, or the relay withholds it). */
  | 'not_served'
  /** The record's receive time goes backwards, or is later than the witnesses' cosignature of the log holding it. */
  | 'bad_receive_time'
  /** The chain hash does not extend the channel's history: reordered, inserted or altered. */
  | 'chain_mismatch'
  /** The record is not in the log under the quorum checkpoint. */
  | 'not_included'
  /** MLS refused the ciphertext. */
  | 'decryption_failed'
  /** The plaintext is not a statement signed by its author device. */
  | 'bad_statement'
  /** The statement names another channel. */
  | 'wrong_channel'
  /** The author device is not a directory-verified member of the channel. */
  | 'unknown_author'
  /** The commitment in the record or envelope does not match the statement. */
  | 'commitment_mismatch'
  /** A statement already accepted in this channel, sent again inside a new MLS message. */
  | 'duplicate'
  /** The relay delivered the channel's envelopes out of seq order (verified in log order regardless). */
  | 'out_of_order'
  /** The checkpoint the terminal holds does not meet this channel's charter witness policy. */
  | 'policy_not_met'
  /** The proven log contradicts a receipt the relay gave this device: the envelope was lost or replaced. */
  | 'receipt_broken'
  /** The relay answered a submission with a receipt that is not well formed (no log index, say). */
  | 'malformed_receipt'
  /** A second MLS commit for an epoch that already has one (the relay must refuse it; a replayed opening commit, say). */
  | 'second_commit'
  /** An MLS commit that adds or removes devices, sent by a member without a member-change role (protocol.md §8): applied, and named. */
  | 'unauthorised_member_change';

export interface EnvelopeAlert {
  readonly code: EnvelopeAlertCode | RuleAlertCode;
  readonly message: string;
  readonly seq?: number;
  readonly logIndex?: number;
}
