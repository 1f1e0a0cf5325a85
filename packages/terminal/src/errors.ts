/**
 * The terminal's failures as data (DESIGN.md "coded errors above the bytes too"): an operation
 * that fails for a reason a person or a script can act on throws a HotlineError with a stable
 * `code` and the object it concerns. `message` is the sentence for a person; programs and tests
 * read `code`. docs/spec/errors.md lists every code with what to do about it and the exit status
 * `hotline` gives it; the CLI keeps the one code → exit status table.
 */

import type { Charter } from '@hotline/protocol';
import type { Alarm } from './rules/board.js';

/** Every code a terminal operation fails with. Stable: a code is added or retired, never renamed. */
export const TERMINAL_ERROR_CODES = [
  // The home, its keys and its settings.
  'not_set_up',
  'insecure_home',
  'passphrase_required',
  'wrong_passphrase',
  'bad_key',
  'key_conflict',
  'bad_bounds',
  'bad_socket_dir',
  'terminal_running',
  // What a command names.
  'channel_not_found',
  'not_found',
  'ambiguous',
  'bad_id',
  'invalid_statement',
  // The hotline rules and membership.
  'not_permitted',
  'frozen',
  'needs_approval',
  'not_a_member',
  'not_admitted',
  'already_open',
  'charter_not_in_force',
  'no_internal_channel',
  'change_pending',
  'no_access_list',
  'not_authorised',
  'lost_epoch',
  'unsupported',
  // The relay.
  'relay_refused',
  'malformed_receipt',
  'relay_not_serving',
  'relay_unreachable',
  'relay_timeout',
  // This home's stored state.
  'home_busy',
  'seal_broken',
  'group_state_broken',
  'archive_inconsistent',
  'terminal_vanished',
  // A record export.
  'bad_range',
  'record_incomplete',
] as const;

export type TerminalErrorCode = (typeof TERMINAL_ERROR_CODES)[number];

/** What a relay said when it refused: its HTTP status and its own code (relay-api.md). */
export interface RelayAnswer {
  readonly status: number;
  readonly code: string;
}

/** The object a failure concerns; each member only when it applies. */
export interface ErrorSubject {
  /** The channel's name (or what the command called it, when no channel has that name). */
  readonly channel?: string;
  readonly seq?: number;
  readonly logIndex?: number;
  /** For relay_refused and relay_not_serving: the relay's own answer. */
  readonly relay?: RelayAnswer;
}

export class HotlineError<C extends string = TerminalErrorCode> extends Error {
  override readonly name: string = 'HotlineError';
  constructor(
    readonly code: C,
    message: string,
    readonly subject: ErrorSubject = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A catch-up that failed (the relay unreachable, say), carrying the alarms it still raised.
 * Not a failure of its own: whoever reads a code reads its `cause`'s (codedError).
 */
export class CatchUpError extends Error {
  override readonly name = 'CatchUpError';
  constructor(
    override readonly cause: unknown,
    readonly alarms: { charter: Charter; alarm: Alarm }[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
