/** `hotline status` — the board: the log as verified, this device, each channel, and every alert. */
import { boardView } from '@hotline/terminal';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { boardExitStatus, catchUpOrShowArchive, withTerminal } from '../session.js';
import type { CommandIo } from '../command-io.js';
import { printBoard, statusJson } from '../render/board.js';

export const STATUS: CommandSpec = {
  command: 'status',
  summary: 'the board: log, device, channels, members, verified heads, liveness, acknowledgement deadlines, alarms and alerts',
  description: `Catches up (verifies the newest checkpoint, the directory and every channel), then shows:
the log checkpoint this terminal holds and its witnesses; the time bounds it holds the relay
to; this device; each channel with its parties, members (from the MLS group, named by the
verified directory), the verified head (seq and chain hash) and MLS epoch; open alerts; and
conditions resolved recently.

If the relay cannot be reached, the last verified board is shown from this home's archive, with
the outage itself as an open condition and how long it has lasted.

Alerts are of two kinds. Evidence (fork, rollback, gap, envelope_mismatch, receipt_broken, …)
is proof that something lied; it is kept for good. Conditions (stale, coverage_overdue,
unavailable) begin and end; once a consistent cosigned checkpoint clears one it is listed as
resolved and no longer counts.

Bounds: freshness — no quorum checkpoint cosigned within it is "stale" (default 600 s);
coverage — a receipt no cosigned checkpoint covers within it is "coverage_overdue" (30 s).`,
  options: [
    { name: 'json', type: 'boolean', description: 'machine-readable output (docs/spec/cli.md): alerts[] and resolved[] with code and message; whole hashes and keys' },
    { name: 'alerts', type: 'string', placeholder: 'N', default: '10', description: 'how many recent evidence alerts and resolved conditions to show' },
    HOME_OPTION,
  ],
  footer: `Per channel the board shows, for each party, its liveness (LIVE, LATE, SILENT from the charter's
thresholds, or FROZEN — and SILENT while this terminal's receipts are not covered, since the
other side may then be on another history), its last heartbeat and message, and up to which seq
it has co-signed the transcript (its acks and heartbeats cite it); each acknowledgement deadline
and its state (due, acknowledged, OVERDUE, ESCALATED at 2x, CRITICAL at 4x); and the alarms.

Exit status: 0 nothing open; 1 an evidence alert on record, an open stale or coverage_overdue
condition, or an alarm now; 2 bad usage; 3 the relay cannot be reached (and nothing of 1).`,
};

export async function runStatus(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print } = io;
  const args = parseCommand(argv, STATUS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const shown = integerFlag(args, 'alerts', 10, 0, 10000);
  return withTerminal(io.host, args, async (t) => {
    const reachable = await catchUpOrShowArchive(t);
    const b = boardView(t, { alerts: shown, reachable });
    if (args.booleans.has('json')) print(JSON.stringify(statusJson(b), null, 2));
    else printBoard(b, print);
    return boardExitStatus(t, b.relay.reachable, b.channels.some((c) => c.board.alarms.length > 0));
  });
}
