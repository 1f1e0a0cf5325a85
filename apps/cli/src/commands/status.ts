/** `hotline status` — the board: the log as verified, this device, each channel, and every alert. */
import { toHex } from '@hotline/log';
import { catchUp, channelStatus } from '@hotline/terminal';
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

Exit status: 0 no alerts on record, 1 alerts on record (see the list), 2 bad usage.`;

export async function runStatus(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'alerts'], booleans: ['json'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const shown = integerFlag(args, 'alerts', 10, 0, 10000);
  return withTerminal(args, async (t) => {
    await catchUp(t);
    const held = t.monitor.held;
    const witnesses = held === undefined ? 0 : held.note.split('\n').filter((l) => l.startsWith('— ')).length - 1;
    const channels = t.charters.all().map((c) => channelStatus(t, c));
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
    }
    if (alerts.length === 0) print('alerts    none');
    for (const a of alerts) print(`ALERT     ${new Date(a.at).toISOString()}  ${a.code}${a.seq === null ? '' : ` seq ${a.seq}`}: ${a.message}`);
    return alerts.length > 0 ? 1 : 0;
  });
}
