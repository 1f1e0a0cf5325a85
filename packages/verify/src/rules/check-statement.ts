import { decodeMessageBody, StatementType, type Charter, type Statement } from '@hotline/protocol';
import type { DirectoryEntry } from '../directory/directory-entry.js';
import type { ForwardOutcome } from '../forward/verify-forward.js';
import { approvedDraft } from './approvals.js';
import { breach, type RuleBreach } from './rule-breach.js';
import type { StatementHistory } from './statement-history.js';
import { checkRules } from './statement-rules.js';

export interface StatementRulesInput {
  /** The channel's verified charter. */
  readonly charter: Charter;
  /**
   * The author device's directory entry as of the statement's point of the log
   * (`deviceAt(…, logIndex, receivedAt)`), or undefined if it was not a valid device there.
   */
  readonly author: DirectoryEntry | undefined;
  /** Directory lookup for approver devices, as of the same point of the log. */
  readonly device: (deviceKey: Uint8Array) => DirectoryEntry | undefined;
  /** The channel's history strictly before `seq`. */
  readonly history: StatementHistory;
  /** Checks a forward's body (see RuleContext.forward). */
  readonly forward?: (body: Uint8Array) => ForwardOutcome;
}

/**
 * The "rules" step for one statement: the first hotline rule it breaks, or undefined.
 *
 * Contract (shared by the terminal's pipeline and the record-bundle verifier):
 * - `statement` has already passed the structural checks: decoded, Ed25519 signature by
 *   `statement.author`, the charter's channel id, commitment equal to its log record's.
 *   Nothing here re-checks them.
 * - Statements are judged one at a time in seq order; `input.history` shows exactly the
 *   statements (with their validity as judged here) and chain hashes before `seq`, and
 *   `chainAt` may answer undefined for a seq it does not hold (a head citing it is not judged).
 * - After a verdict the caller updates its history: it stores the statement with
 *   `valid = (breach === undefined)`, and, if valid, records `draftSentBy(statement)` (if any)
 *   as used at `seq`, so a draft's approvals send one message only.
 * - A breach does not stop the walk: the statement stays in the record, marked invalid, and
 *   counts for nothing later (an invalid ack acknowledges nothing, an invalid freeze freezes
 *   nothing). `code` is a RuleAlertCode; `message` names the rule in words, no key material.
 * - Pure: no clock, no I/O, no randomness; the same inputs give the same answer anywhere.
 */
export function checkStatementRules(input: StatementRulesInput, statement: Statement, seq: number): RuleBreach | undefined {
  if (input.author === undefined) return breach('not_allowed', 'the author was not a verified device at this point of the log');
  return checkRules({ charter: input.charter, history: input.history, author: input.author, device: input.device, ...(input.forward === undefined ? {} : { forward: input.forward }) }, statement, seq);
}

/** The draft (id, lower-case hex) whose approvals this message or edit carries; undefined for any other statement or none. */
export function draftSentBy(statement: Statement): string | undefined {
  if (statement.type !== StatementType.message && statement.type !== StatementType.edit) return undefined;
  const body = decodeMessageBody(statement.body);
  return body.ok ? approvedDraft(body.value) : undefined;
}
