/** `hotline watch CHANNEL` — stream the channel's messages as they are verified, and every alert. */
import { spawn } from 'node:child_process';
import { ReceiptKind, statementId, StatementType } from '@hotline/protocol';
import { catchUp, CatchUpError, describeStatement, formatLine, ROUTINE_TYPES, sendReceipts, transcript, type Alarm, type Terminal } from '@hotline/terminal';
import { integerFlag, parseArgs, UsageError } from '../args.js';
import { explain, openTerminal } from '../session.js';

export const WATCH_HELP = `usage: hotline watch CHANNEL [--history N] [--once] [--all] [--on-alarm COMMAND] [--interval MS] [--home DIR]

Prints the channel's verified transcript (the last N lines, default 10), then every new message
once it is verified: included under a witness-cosigned checkpoint, in seq order with an
unbroken chain, decrypted by MLS, signed by a member device the directory verified, and
matching its commitment in the log. Anything that fails is printed as an ALERT line naming
what is wrong; nothing is dropped silently. A statement that breaks a hotline rule is shown
marked INVALID. Each line starts with the seq and the statement id (for hotline ack). Messages
shown here are reported back as read (signed read receipts); delivery receipts, heartbeats at
the charter's interval, key updates and approved drafts go out automatically. When an
acknowledgement deadline passes or a party misses its liveness test, an ALARM line is printed
(and --on-alarm runs). Ctrl-C stops.

Options:
  --history N     transcript lines to print first (default 10)
  --once          catch up, print, and exit (exit 1 if an alert was raised)
  --all           also show receipts and heartbeats
  --on-alarm CMD  run CMD (through sh) for each new alarm, with HOTLINE_ALARM_CODE,
                  HOTLINE_ALARM_LEVEL, HOTLINE_ALARM_MESSAGE and HOTLINE_CHANNEL set
  --interval MS   how often to ask the relay (default 500)
  --home DIR      state directory (default: $HOTLINE_HOME, else ~/.hotline)`;

function alertLine(code: string, message: string, seq?: number): string {
  return `!! ALERT ${code}${seq === undefined ? '' : ` (seq ${seq})`}: ${message}`;
}

function runHook(command: string, env: Record<string, string>, print: (line: string) => void): void {
  const child = spawn('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, ...env } });
  child.once('error', (error) => print(`(--on-alarm could not run: ${error.message})`));
  child.once('exit', (code) => {
    if (code !== 0) print(`(--on-alarm exited with ${code})`);
  });
}

interface WatchOptions {
  readonly all: boolean;
  readonly onAlarm: string | undefined;
}

async function round(t: Terminal, channel: string, options: WatchOptions, print: (line: string) => void): Promise<number> {
  const charter = t.charters.find(channel);
  const result = await catchUp(t, { only: charter });
  let alerts = 0;
  for (const a of result.logAlerts) {
    print(alertLine(a.code, a.message));
    alerts++;
  }
  for (const { outcome } of result.channels.values()) {
    const shown: Uint8Array[] = [];
    for (const s of outcome.accepted) {
      if (!options.all && ROUTINE_TYPES.has(s.statement.type)) continue;
      print(formatLine(describeStatement(t, s.seq, s.statement, s.breach === undefined)));
      if (s.statement.type === StatementType.message && s.breach === undefined && t.directory.device(s.statement.author, t.now())?.party !== t.certificate.party) shown.push(statementId(s.statement));
    }
    for (const a of outcome.alerts) {
      print(alertLine(a.code, a.message, a.seq));
      alerts++;
    }
    // Shown to a person: a signed read receipt.
    await sendReceipts(t, charter, shown, ReceiptKind.read);
  }
  for (const { charter: c, alarm } of result.alarms) announceAlarm(c.name, alarm, options, print);
  return alerts;
}

function announceAlarm(channel: string, alarm: Alarm, options: WatchOptions, print: (line: string) => void): void {
  print(`!! ALARM ${alarm.code} ${alarm.level.toUpperCase()}: ${alarm.message}`);
  if (options.onAlarm !== undefined) runHook(options.onAlarm, { HOTLINE_ALARM_CODE: alarm.code, HOTLINE_ALARM_LEVEL: alarm.level, HOTLINE_ALARM_MESSAGE: alarm.message, HOTLINE_CHANNEL: channel }, print);
}

export async function runWatch(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'history', 'interval', 'on-alarm'], booleans: ['once', 'all'] });
  const options: WatchOptions = { all: args.booleans.has('all'), onAlarm: args.values.get('on-alarm') };
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
    const lines = transcript(t, charter, 1, 1_000_000, options.all);
    print(`watching ${charter.name} (${charter.parties.map((p) => p.name).join(' ⇄ ')}); verified head seq ${(t.archive.position(charter.channelId)?.nextSeq ?? 1) - 1}. Ctrl-C stops.`);
    for (const line of lines.slice(Math.max(0, lines.length - history))) print(formatLine(line));
    let alerts = 0;
    do {
      try {
        alerts += await round(t, channel, options, print);
      } catch (error) {
        if (error instanceof CatchUpError) for (const { charter: c, alarm } of error.alarms) announceAlarm(c.name, alarm, options, print);
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
