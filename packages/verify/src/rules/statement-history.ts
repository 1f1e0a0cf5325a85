import type { Statement } from '@hotline/protocol';

/** A statement of the channel as the history holds it: verified, at its seq, valid unless it broke a rule. */
export interface HistoryStatement {
  readonly seq: number;
  readonly statement: Statement;
  /** False if it broke a hotline rule: it is in the log, but counts for nothing. */
  readonly valid: boolean;
}

/**
 * What the hotline rules read of ONE channel's history, as it stands just before the statement
 * being judged (statements are judged in seq order; nothing at or after its seq may be visible).
 * The terminal implements it over its SQLite archive; the record-bundle verifier over the
 * bundle's statements as it walks them; the console over what it was shown.
 */
export interface StatementHistory {
  /** chain[seq] of the transcript verified so far, or undefined if this history does not hold that seq. */
  chainAt(seq: number): Uint8Array | undefined;
  /** The statement with this id (statementId) in this channel, valid or not; undefined if none. */
  byId(id: Uint8Array): HistoryStatement | undefined;
  /** True if the channel's last VALID freeze or unfreeze is a freeze. */
  frozen(): boolean;
  /** The seq of the valid message or edit that already sent with this draft's approvals (draft id, lower-case hex). */
  draftUsedAt(draftIdHex: string): number | undefined;
}
