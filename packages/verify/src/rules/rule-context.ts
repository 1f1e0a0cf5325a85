import type { Charter, Role } from '@hotline/protocol';
import type { DirectoryEntry } from '../directory/directory-entry.js';
import type { ForwardOutcome } from '../forward/verify-forward.js';
import type { StatementHistory } from './statement-history.js';

/** What the rules judge one statement against. */
export interface RuleContext {
  readonly charter: Charter;
  /** The channel's history just before this statement. */
  readonly history: StatementHistory;
  /** The author's directory entry, valid at the statement's point of the log. */
  readonly author: DirectoryEntry;
  /** Directory lookup for approvers, at the statement's point of the log. */
  readonly device: (key: Uint8Array) => DirectoryEntry | undefined;
  /**
   * Checks a forward's body against this channel (verifyForward with the caller's pinned roots
   * and directory); without it a forward cannot be judged and is not allowed.
   */
  readonly forward?: (body: Uint8Array) => ForwardOutcome;
}

/** True if the entry holds any of these roles. */
export function holds(entry: DirectoryEntry, roles: readonly Role[]): boolean {
  return entry.roles.some((r) => roles.includes(r));
}
