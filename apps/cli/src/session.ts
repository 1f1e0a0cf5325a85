/**
 * Opening this home's terminal for a command, and the exit status of the board. How a failure
 * becomes an exit status is failures.ts's one table (a home not set up: 2; a relay that refuses:
 * 1; one that cannot be reached or is not serving: 3).
 */
import { DeviceRelayClient } from '@hotline/relay/client';
import { systemClock } from '@hotline/node-files/clock';
import { catchUpOrRecordOutage, Terminal, type Alarm } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import type { ParsedArgs } from './args.js';
import { EXIT } from './failures.js';
import { existingHome, passphrase } from './home.js';
import type { TerminalHost } from './hosting.js';

/** `passphraseOverride`: the service's --passphrase-file contents, instead of HOTLINE_PASSPHRASE. */
export function openTerminal(args: ParsedArgs, passphraseOverride?: string): Terminal {
  // Before Terminal.open, which would create a missing home: a typo in --home must not.
  const home = existingHome(args);
  const pass = passphraseOverride ?? passphrase();
  return Terminal.open({ home, ...(pass === undefined ? {} : { passphrase: pass }), connect: (url, device) => new DeviceRelayClient(url, device), now: systemClock() });
}

/**
 * Runs `work` on the host's terminal in one turn (nothing else in the process uses it
 * meanwhile), closing it after if the command opened it. Its failures carry codes (failures.ts).
 */
export async function withTerminal<T>(host: TerminalHost, args: ParsedArgs, work: (t: Terminal) => Promise<T>): Promise<T> {
  const hosted = host.open(args);
  try {
    return await hosted.turn(() => work(hosted.terminal));
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
