/**
 * Opening this home's terminal for a command, and turning the ways that can fail into one-line
 * answers (docs/spec/cli.md): a home that is not set up is a usage error (exit 2); a relay that
 * refuses is exit 1; a relay that cannot be reached or is not serving (5xx, 429) is exit 3.
 */
import { DeviceRelayClient, RelayRequestError } from '@hotline/relay/client';
import { systemClock } from '@hotline/node-files/clock';
import { BoundsError, catchUpOrRecordOutage, ChannelNotFound, isRelayUnavailable, KeyStoreError, Terminal, TerminalError, type Alarm } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { UsageError, type ParsedArgs } from './args.js';
import { existingHome, passphrase } from './home.js';
import type { TerminalHost } from './hosting.js';

/** A failure to report in one line with exit status 1 (not a usage error). */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** The relay could not be reached at all: exit status 3 (docs/spec/cli.md). Nothing was proven either way. */
export class RelayUnreachable extends Error {
  override readonly name = 'RelayUnreachable';
}

/**
 * Exit statuses (docs/spec/cli.md): 0 ok; 1 a verification failure, evidence on record, or an
 * open stale/coverage_overdue condition; 2 bad usage; 3 the relay unreachable or not serving.
 */
export const EXIT = { ok: 0, alert: 1, usage: 2, unreachable: 3 } as const;

/** `passphraseOverride`: the service's --passphrase-file contents, instead of HOTLINE_PASSPHRASE. */
export function openTerminal(args: ParsedArgs, passphraseOverride?: string): Terminal {
  // Before Terminal.open, which would create a missing home: a typo in --home must not.
  const home = existingHome(args);
  try {
    const pass = passphraseOverride ?? passphrase();
    return Terminal.open({ home, ...(pass === undefined ? {} : { passphrase: pass }), connect: (url, device) => new DeviceRelayClient(url, device), now: systemClock() });
  } catch (error) {
    if (error instanceof TerminalError || error instanceof KeyStoreError || error instanceof BoundsError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Runs `work` on the host's terminal in one turn (nothing else in the process uses it
 * meanwhile), closing it after if the command opened it, with relay and terminal errors explained.
 */
export async function withTerminal<T>(host: TerminalHost, args: ParsedArgs, work: (t: Terminal) => Promise<T>): Promise<T> {
  const hosted = host.open(args);
  try {
    return await hosted.turn(() => work(hosted.terminal));
  } catch (error) {
    throw explain(error, hosted.terminal.relayUrl);
  } finally {
    hosted.close();
  }
}

/** One catch-up round for status and watch (catchUpOrRecordOutage); true if the relay served it. */
export async function catchUpOrShowArchive(t: Terminal, only?: Charter, alarms?: (raised: { charter: Charter; alarm: Alarm }[]) => void): Promise<boolean> {
  const { round, alarms: raised } = await catchUpOrRecordOutage(t, only === undefined ? {} : { only });
  alarms?.(raised);
  return round !== undefined;
}

/**
 * The exit status of status and watch --once (docs/spec/cli.md): 1 for evidence on record, an
 * open stale or coverage_overdue condition, an alarm now, or — with the relay answering — a
 * message it will not receipt; else 3 while the relay is not serving; else 0.
 */
export function boardExitStatus(t: Terminal, reachable: boolean, alarmsNow: boolean): number {
  const open = t.conditions.current();
  const failing = (code: string) => code === 'stale' || code === 'coverage_overdue' || (code === 'unsent_overdue' && reachable);
  if (t.archive.lastAlertId() > 0 || open.some((c) => failing(c.code)) || alarmsNow) return EXIT.alert;
  return reachable && !open.some((c) => c.code === 'unavailable') ? EXIT.ok : EXIT.unreachable;
}

export function explain(error: unknown, relayUrl: string): unknown {
  if (error instanceof Error && error.name === 'CatchUpError') return explain((error as Error & { cause: unknown }).cause, relayUrl);
  if (error instanceof ChannelNotFound || error instanceof TerminalError || error instanceof KeyStoreError) return new UsageError(error.message);
  if (error instanceof RelayRequestError) return new CommandFailure(`the relay refused: ${error.message}`);
  if (isRelayUnavailable(error)) {
    const e = error as Error;
    return new RelayUnreachable(e.name === 'TypeError' ? `cannot reach the relay at ${relayUrl}` : e.name === 'RelayRequestError' ? `the relay at ${relayUrl} is not serving: ${e.message}` : `the relay at ${relayUrl} did not answer in time`);
  }
  if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_BUSY') return new CommandFailure('this home is busy: another hotline process has held it for 30 s; try again');
  if (error instanceof Error && error.name === 'SealError') return new CommandFailure(`a sealed value in this home does not open: ${error.message}`);
  if (error instanceof Error && error.name === 'GroupStateError') return new CommandFailure(error.message);
  return error;
}
