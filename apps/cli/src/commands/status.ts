/** `hotline status` — the board: the log as verified, this device, each channel, and every alert. */
import { toHex } from '@hotline/log';
import { channelBoard, channelStatus, isInternal, isoTime, type StoredCondition, type Terminal } from '@hotline/terminal';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { boardExitStatus, catchUpOrShowArchive, withTerminal } from '../session.js';
import type { CommandIo } from '../command-io.js';

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

function time(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${isoTime(ms).slice(11, 19)}Z`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

function conditionJson(c: StoredCondition, now: number) {
  return {
    kind: 'condition' as const,
    code: c.code,
    message: c.message,
    channel: c.channel,
    since: new Date(c.startedAt).toISOString(),
    ...(c.endedAt === undefined ? {} : { ended: new Date(c.endedAt).toISOString() }),
    durationSeconds: Math.round(((c.endedAt ?? now) - c.startedAt) / 1000),
  };
}

/** The board as data (docs/spec/cli.md): what --json prints and the text view renders. */
function board(t: Terminal, shown: number, reachable: boolean) {
  const now = t.now();
  const held = t.monitor.held;
  const witnesses = held === undefined ? 0 : held.note.split('\n').filter((l) => l.startsWith('— ')).length - 1;
  const devices = new Map(t.directory.all().map((e) => [toHex(e.deviceKey), e]));
  const cutOff = t.cutOff();
  const channels = t.charters.all().map((c) => ({ ...channelStatus(t, c), internal: isInternal(c), board: channelBoard(c, t.archive, devices, now, cutOff) }));
  const evidence = t.archive.alerts(shown).map((a) => ({ kind: 'evidence' as const, ...a, at: new Date(a.at).toISOString() }));
  const open = t.conditions.current().map((c) => conditionJson(c, now));
  return {
    device: { party: t.certificate.party, member: t.certificate.member, roles: t.certificate.roles, key: toHex(t.deviceKey) },
    relay: { url: t.relayUrl, reachable },
    log: held === undefined ? null : { origin: held.origin, size: held.size, root: toHex(held.rootHash), witnessCosignatures: Math.max(0, witnesses), cosignedAt: new Date(held.cosignedAt * 1000).toISOString() },
    bounds: t.bounds,
    directory: { devices: t.directory.all().length },
    channels,
    alerts: [...open, ...evidence],
    resolved: t.conditions.resolved(shown).map((c) => conditionJson(c, now)),
  };
}

type Board = ReturnType<typeof board>;

function printBoard(b: Board, print: (line: string) => void): void {
  print(`device    ${b.device.party} / ${b.device.member} (${b.device.roles.join(', ')})  ${b.device.key.slice(0, 16)}…`);
  print(`relay     ${b.relay.url}${b.relay.reachable ? '' : '  NOT SERVING: showing the last verified state from the archive'}`);
  print(b.log === null ? 'log       no verified checkpoint yet' : `log       ${b.log.origin} size ${b.log.size} root ${b.log.root.slice(0, 16)}…  ${b.log.witnessCosignatures} witness cosignature(s), newest ${b.log.cosignedAt}`);
  print(`bounds    freshness ${b.bounds.freshnessSeconds} s, coverage ${b.bounds.coverageSeconds} s`);
  print(`directory ${b.directory.devices} verified device(s)`);
  if (b.channels.length === 0) print('channels  none yet (hotline channel join, or hotline channel open)');
  for (const c of b.channels) {
    print(`channel   ${c.name}  (${c.id.slice(0, 8)})  ${c.parties.join(' ⇄ ')}`);
    print(`          head seq ${c.head.seq} chain ${c.head.chain.slice(0, 16)}…  epoch ${c.epoch}${c.keyUpdateDue ? '  (key update due)' : ''}${c.unsent > 0 ? `  ${c.unsent} unsent` : ''}`);
    print(`          members: ${c.members.join('; ')}`);
    if (c.internal) {
      print('          (this party\'s internal channel: drafts and approvals)');
      continue;
    }
    print(`          ${c.board.frozen ? 'FROZEN by a principal: only heartbeats and unfreeze' : 'not frozen'}`);
    for (const p of c.board.parties) {
      print(`          ${p.party.padEnd(12)} ${p.state.toUpperCase().padEnd(6)} last heartbeat ${time(p.lastHeartbeat)}, last message ${time(p.lastMessage)}, co-signed the transcript to #${p.cosignedSeq}${p.reason === undefined ? '' : ` (shown silent: ${p.reason.split(':')[0]})`}`);
    }
    for (const d of c.board.deadlines.slice(-10)) {
      print(`          ack ${d.precedence.padEnd(9)} #${d.seq} ${d.from} → ${d.to}: ${d.state === 'met' ? `acknowledged ${time(d.ackedAt)}` : d.state === 'pending' ? `due ${time(d.due)}` : `${d.state.toUpperCase()} (due ${time(d.due)}${d.ackedAt === undefined ? '' : `, acknowledged ${time(d.ackedAt)}`})`}`);
    }
    for (const a of c.board.alarms) print(`ALARM     ${a.code} ${a.level.toUpperCase()}: ${a.message}`);
  }
  if (b.alerts.length === 0) print('alerts    none');
  for (const a of b.alerts) {
    if (a.kind === 'condition') print(`ALERT     ${a.code} open for ${duration(a.durationSeconds * 1000)} (since ${a.since}): ${a.message}`);
    else print(`ALERT     ${a.at}  ${a.code}${a.seq === null ? '' : ` seq ${a.seq}`}: ${a.message}`);
  }
  for (const r of b.resolved) print(`resolved  ${r.code} for ${duration(r.durationSeconds * 1000)} (${r.since} – ${r.ended}): ${r.message}`);
}

export async function runStatus(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print } = io;
  const args = parseCommand(argv, STATUS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const shown = integerFlag(args, 'alerts', 10, 0, 10000);
  return withTerminal(io.host, args, async (t) => {
    const reachable = await catchUpOrShowArchive(t);
    const b = board(t, shown, reachable);
    if (args.booleans.has('json')) print(JSON.stringify(b, null, 2));
    else printBoard(b, print);
    return boardExitStatus(t, b.relay.reachable, b.channels.some((c) => c.board.alarms.length > 0));
  });
}
