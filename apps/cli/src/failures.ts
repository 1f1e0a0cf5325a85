/**
 * Where failures become exit statuses and words (docs/spec/errors.md): every failure a command
 * can meet has a code (the terminal's, or one of the CLI's own below), and this file's one
 * table gives each code its exit status. main.ts's exitStatusOf is the only caller.
 */
import { ClockError } from '@hotline/node-files/clock';
import { codedError, HotlineError, type ErrorSubject, type TerminalErrorCode } from '@hotline/terminal';

/**
 * Exit statuses (docs/spec/cli.md): 0 ok; 1 a verification failure, evidence on record, or an
 * open stale/coverage_overdue condition; 2 bad usage; 3 the relay unreachable or not serving.
 */
export const EXIT = { ok: 0, alert: 1, usage: 2, unreachable: 3 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** Codes only the CLI fails with: its arguments, its environment, and what it reports itself. */
export const CLI_ERROR_CODES = ['usage', 'bad_clock_offset', 'not_sent', 'server_start_failed', 'file_exists', 'unreadable_file', 'record_invalid'] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];
export type ErrorCode = TerminalErrorCode | CliErrorCode;

/** A failure the CLI itself names. */
export class CliError extends HotlineError<ErrorCode> {
  override readonly name: string = 'CliError';
}

/** The one table: each code's exit status. A code without a row does not compile. */
export const EXIT_STATUS: Readonly<Record<ErrorCode, ExitStatus>> = {
  usage: EXIT.usage,
  bad_clock_offset: EXIT.usage,
  not_set_up: EXIT.usage,
  insecure_home: EXIT.usage,
  passphrase_required: EXIT.usage,
  wrong_passphrase: EXIT.usage,
  bad_key: EXIT.usage,
  key_conflict: EXIT.usage,
  bad_bounds: EXIT.usage,
  bad_socket_dir: EXIT.usage,
  terminal_running: EXIT.usage,
  channel_not_found: EXIT.usage,
  not_found: EXIT.usage,
  ambiguous: EXIT.usage,
  bad_id: EXIT.usage,
  invalid_statement: EXIT.usage,
  not_permitted: EXIT.usage,
  frozen: EXIT.usage,
  needs_approval: EXIT.usage,
  not_a_member: EXIT.usage,
  not_admitted: EXIT.usage,
  already_open: EXIT.usage,
  charter_not_in_force: EXIT.usage,
  no_internal_channel: EXIT.usage,
  change_pending: EXIT.usage,
  no_access_list: EXIT.usage,
  not_authorised: EXIT.usage,
  lost_epoch: EXIT.usage,
  unsupported: EXIT.usage,
  bad_range: EXIT.usage,
  file_exists: EXIT.usage,
  unreadable_file: EXIT.usage,
  record_incomplete: EXIT.alert,
  record_invalid: EXIT.alert,
  relay_refused: EXIT.alert,
  malformed_receipt: EXIT.alert,
  not_sent: EXIT.alert,
  server_start_failed: EXIT.alert,
  home_busy: EXIT.alert,
  seal_broken: EXIT.alert,
  group_state_broken: EXIT.alert,
  archive_inconsistent: EXIT.alert,
  terminal_vanished: EXIT.alert,
  relay_not_serving: EXIT.unreachable,
  relay_unreachable: EXIT.unreachable,
  relay_timeout: EXIT.unreachable,
};

/** The relay's own answer behind a statement that was not sent, for a failure's subject. */
export function relayAnswer(sent: { readonly failure?: HotlineError<string> }): Pick<ErrorSubject, 'relay'> {
  const relay = sent.failure?.subject.relay;
  return relay === undefined ? {} : { relay };
}

export interface Failure {
  readonly code: ErrorCode;
  readonly status: ExitStatus;
  readonly message: string;
  readonly subject: ErrorSubject;
}

const known = (code: string): code is ErrorCode => Object.hasOwn(EXIT_STATUS, code);

/** The failure `error` is, or undefined for an error without a code (a bug: it surfaces as one). */
export function failureOf(error: unknown): Failure | undefined {
  const coded = error instanceof ClockError ? new CliError('bad_clock_offset', error.message) : codedError(error);
  if (coded === undefined || !known(coded.code)) return undefined;
  return { code: coded.code, status: EXIT_STATUS[coded.code], message: coded.message, subject: coded.subject };
}

/**
 * The failure on standard error: `hotline: <message>` (with the usage hint for exit 2), or with
 * --json one object, `{"error": {"code", "message", "channel", "seq", "logIndex", "relay"}}`,
 * absent members null (docs/spec/cli.md).
 */
export function failureLines(failure: Failure, json: boolean): string {
  if (json) {
    const { channel = null, seq = null, logIndex = null, relay = null } = failure.subject;
    return JSON.stringify({ error: { code: failure.code, message: failure.message, channel, seq, logIndex, relay } });
  }
  return failure.status === EXIT.usage ? `hotline: ${failure.message}\nRun 'hotline --help' for usage.` : `hotline: ${failure.message}`;
}
