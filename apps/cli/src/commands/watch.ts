/** `hotline watch CHANNEL` — stream the channel's messages as they are verified, and every alert. */
import { catchUp, describeStatement, formatLine, transcript, type Terminal } from '@hotline/terminal';
import { integerFlag, parseArgs, UsageError } from '../args.js';
import { explain, openTerminal } from '../session.js';

export const WATCH_HELP = `usage: hotline watch CHANNEL [--history N] [--once] [--interval MS] [--home DIR]

Prints the channel's verified transcript (the last N lines, default 10), then every new message
once it is verified: included under a witness-cosigned checkpoint, in seq order with an
unbroken chain, decrypted by MLS, signed by a member device the directory verified, and
matching its commitment in the log. Anything that fails is printed as an ALERT line naming
what is wrong; nothing is dropped silently. Also joins channels this device is invited to and
replaces its MLS keys when the charter's schedule says so. Ctrl-C stops.

Options:
  --history N     transcript lines to print first (default 10)
  --once          catch up, print, and exit (exit 1 if an alert was raised)
  --interval MS   how often to ask the relay (default 500)
  --home DIR      state directory (default: $HOTLINE_HOME, else ~/.hotline)`;

function alertLine(code: string, message: string, seq?: number): string {
  return `!! ALERT ${code}${seq === undefined ? '' : ` (seq ${seq})`}: ${message}`;
}

async function round(t: Terminal, channel: string, print: (line: string) => void): Promise<number> {
  const charter = t.charters.find(channel);
  const result = await catchUp(t, { only: charter });
  let alerts = 0;
  for (const a of result.logAlerts) {
    print(alertLine(a.code, a.message));
    alerts++;
  }
  for (const { outcome } of result.channels.values()) {
    for (const s of outcome.accepted) print(formatLine(describeStatement(t, s.seq, s.statement)));
    for (const a of outcome.alerts) {
      print(alertLine(a.code, a.message, a.seq));
      alerts++;
    }
  }
  return alerts;
}

export async function runWatch(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'history', 'interval'], booleans: ['once'] });
  const [channel, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('watch needs a CHANNEL');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const history = integerFlag(args, 'history', 10, 0, 100000);
  const interval = integerFlag(args, 'interval', 500, 50, 60000);
  const t = openTerminal(args);
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const charter = t.charters.find(channel);
    const lines = transcript(t, charter, 1, 1_000_000);
    print(`watching ${charter.name} (${charter.parties.map((p) => p.name).join(' ⇄ ')}); verified head seq ${(t.archive.position(charter.channelId)?.nextSeq ?? 1) - 1}. Ctrl-C stops.`);
    for (const line of lines.slice(Math.max(0, lines.length - history))) print(formatLine(line));
    let alerts = 0;
    do {
      try {
        alerts += await round(t, channel, print);
      } catch (error) {
        const explained = explain(error, t.relayUrl);
        if (args.booleans.has('once') || !(explained instanceof Error) || explained.name !== 'CommandFailure') throw explained;
        print(`(${explained.message}; retrying)`);
      }
      if (!args.booleans.has('once')) await new Promise((r) => setTimeout(r, interval));
    } while (!stopped && !args.booleans.has('once'));
    return alerts > 0 ? 1 : 0;
  } catch (error) {
    throw explain(error, t.relayUrl);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    t.close();
  }
}
