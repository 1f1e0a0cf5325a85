/** `hotline status` — the board: the log as verified, this device, each channel, and every alert. */
import { toHex } from '@hotline/log';
import { catchUp, channelBoard, channelStatus, isInternal, isoTime } from '@hotline/terminal';
import { integerFlag, parseArgs, UsageError } from '../args.js';
import { withTerminal } from '../session.js';

export const STATUS_HELP = `usage: hotline status [--json] [--alerts N] [--home DIR]

Catches up (verifies the newest checkpoint, the directory and every channel), then shows:
the log checkpoint this terminal holds and its witnesses; this device; each channel with its
parties, members (from the MLS group, named by the verified directory), the verified head
(seq and chain hash) and MLS epoch; and the most recent alerts.

Options:
  --json       machine-readable output
  --alerts N   how many recent alerts to show (default 10)
  --home DIR   state directory (default: $HOTLINE_HOME, else ~/.hotline)

Per channel the board shows, for each party, its liveness (LIVE, LATE, SILENT from the charter's
thresholds, or FROZEN), its last heartbeat and message, and up to which seq it has co-signed the
transcript (its acks and heartbeats cite it); each acknowledgement deadline and its state
(due, acknowledged, OVERDUE, ESCALATED at 2x, CRITICAL at 4x); and the current alarms.

Exit status: 0 no alerts or alarms, 1 alerts on record or alarms now (see the list), 2 bad usage.`;

function time(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${isoTime(ms).slice(11, 19)}Z`;
}

export async function runStatus(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'alerts'], booleans: ['json'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const shown = integerFlag(args, 'alerts', 10, 0, 10000);
  return withTerminal(args, async (t) => {
    await catchUp(t);
    const held = t.monitor.held;
    const witnesses = held === undefined ? 0 : held.note.split('\n').filter((l) => l.startsWith('— ')).length - 1;
    const devices = new Map(t.directory.all().map((e) => [toHex(e.deviceKey), e]));
    const channels = t.charters.all().map((c) => ({ ...channelStatus(t, c), internal: isInternal(c), board: channelBoard(c, t.archive, devices, t.now()) }));
    const alerts = t.archive.alerts(shown);
    const board = {
      device: { party: t.certificate.party, member: t.certificate.member, roles: t.certificate.roles, key: toHex(t.deviceKey) },
      relay: t.relayUrl,
      log: held === undefined ? null : { origin: held.origin, size: held.size, root: toHex(held.rootHash).slice(0, 16), witnessCosignatures: Math.max(0, witnesses), cosignedAt: new Date(held.cosignedAt * 1000).toISOString() },
      directory: { devices: t.directory.all().length },
      channels,
      alerts,
    };
    if (args.booleans.has('json')) {
      print(JSON.stringify(board, null, 2));
      return alerts.length > 0 ? 1 : 0;
    }
    print(`device    ${board.device.party} / ${board.device.member} (${board.device.roles.join(', ')})  ${board.device.key.slice(0, 16)}…`);
    print(`relay     ${board.relay}`);
    print(board.log === null ? 'log       no verified checkpoint yet' : `log       ${board.log.origin} size ${board.log.size} root ${board.log.root}…  ${board.log.witnessCosignatures} witness cosignature(s), newest ${board.log.cosignedAt}`);
    print(`directory ${board.directory.devices} verified device(s)`);
    if (channels.length === 0) print('channels  none yet (hotline channel join, or hotline channel open)');
    for (const c of channels) {
      print(`channel   ${c.name}  (${c.id.slice(0, 8)})  ${c.parties.join(' ⇄ ')}`);
      print(`          head seq ${c.head.seq} chain ${c.head.chain}…  epoch ${c.epoch}${c.keyUpdateDue ? '  (key update due)' : ''}${c.unsent > 0 ? `  ${c.unsent} unsent` : ''}`);
      print(`          members: ${c.members.join('; ')}`);
      if (c.internal) {
        print('          (this party\'s internal channel: drafts and approvals)');
        continue;
      }
      print(`          ${c.board.frozen ? 'FROZEN by a principal: only heartbeats and unfreeze' : 'not frozen'}`);
      for (const p of c.board.parties) {
        print(`          ${p.party.padEnd(12)} ${p.state.toUpperCase().padEnd(6)} last heartbeat ${time(p.lastHeartbeat)}, last message ${time(p.lastMessage)}, co-signed the transcript to #${p.cosignedSeq}`);
      }
      for (const d of c.board.deadlines.slice(-10)) {
        print(`          ack ${d.precedence.padEnd(9)} #${d.seq} ${d.from} → ${d.to}: ${d.state === 'met' ? `acknowledged ${time(d.ackedAt)}` : d.state === 'pending' ? `due ${time(d.due)}` : `${d.state.toUpperCase()} (due ${time(d.due)}${d.ackedAt === undefined ? '' : `, acknowledged ${time(d.ackedAt)}`})`}`);
      }
      for (const a of c.board.alarms) print(`ALARM     ${a.code} ${a.level.toUpperCase()}: ${a.message}`);
    }
    if (alerts.length === 0) print('alerts    none');
    for (const a of alerts) print(`ALERT     ${new Date(a.at).toISOString()}  ${a.code}${a.seq === null ? '' : ` seq ${a.seq}`}: ${a.message}`);
    return alerts.length > 0 || channels.some((c) => c.board.alarms.length > 0) ? 1 : 0;
  });
}
