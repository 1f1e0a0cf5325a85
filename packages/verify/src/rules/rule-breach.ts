/** The named breaches of a hotline rule (DESIGN.md §5): the alert a terminal raises, the failure code a record bundle's "rules" step reports. */
export type RuleAlertCode =
  /** A statement other than a heartbeat or unfreeze while a principal has frozen the channel. */
  | 'channel_frozen'
  /** The author's roles do not allow this statement (ack, freeze, unfreeze), or it does not belong in this kind of channel. */
  | 'not_allowed'
  /** The head the author cites is not the transcript this terminal verified: the parties see different histories. */
  | 'head_mismatch'
  /** It names a message, draft or thread that is not in this channel (or not one it may name). */
  | 'bad_reference'
  /** The body does not decode as its type requires. */
  | 'malformed_body'
  /** Fewer valid approvals than the charter requires for this party and precedence. */
  | 'approvals_missing'
  /** An approval that is not a valid signed approval of exactly this content for this channel. */
  | 'approval_invalid'
  /** Two approvals from one member. */
  | 'approval_duplicate'
  /** An approval from a device that is not a verified member of the author's party with a role the rule names. */
  | 'approval_wrong_role'
  /** A forward (type 11) whose body does not prove its origin (protocol.md §13.3): a changed original, record, proof or charter, or a source that does not permit it. */
  | 'forward_invalid';

export interface RuleBreach {
  readonly code: RuleAlertCode;
  readonly message: string;
}

export function breach(code: RuleAlertCode, message: string): RuleBreach {
  return { code, message };
}
