/** `hotline watch CHANNEL` — stream the channel's messages as they are verified, and every alert. */
import { spawn } from 'node:child_process';
import { ReceiptKind, statementId, StatementType } from '@hotline/protocol';
import { formatLine, sendReceipts, transcript, type Alarm, type ArchivedAlert, type StoredCondition, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { catchUpOrShowArchive, EXIT, explain, openTerminal } from '../session.js';

export const WATCH: CommandSpec = {
  command: 'watch',
  operands: 'CHANNEL',
  summary: "stream a channel's verified messages and any alert",
  description: `Prints the channel's verified transcript (the last N lines, default 10), then every new message
once it is verified: included under a witness-cosigned checkpoint, in seq order with an
unbroken chain, decrypted by MLS, signed by a member device the directory verified, and
matching its commitment in the log. Anything that fails is printed as an ALERT line naming
what is wrong; nothing is dropped silently. A statement that breaks a hotline rule is shown
marked INVALID. Each line starts with the seq and the statement id (for hotline ack). Messages
shown here are reported back as read (signed read receipts); delivery receipts, heartbeats at
the charter's interval, key updates and approved drafts go out automatically. When an
acknowledgement deadline passes or a party misses its liveness test, an ALARM line is printed
(and --on-alarm runs). Ctrl-C stops.

What is printed follows the archive's own order (a cursor over archived statements and stored
alerts), so a message another process on this home verified first (hotline status, say) is
printed here too, once. If the relay cannot be reached, watch says so once, keeps showing what
is verified, and says when the relay is back; conditions (stale, coverage_overdue, unavailable)
are printed when they open and when they are resolved.`,
  options: [
    { name: 'history', type: 'string', placeholder: 'N', default: '10', description: 'transcript lines to print first' },
    { name: 'once', type: 'boolean', description: 'catch up, print, and exit: 0, or 1 if an evidence alert or an open stale/coverage_overdue condition is on record, or 3 if the relay cannot be reached (what the archive verified is printed all the same)' },
    { name: 'all', type: 'boolean', description: 'also show receipts and heartbeats' },
    { name: 'on-alarm', type: 'string', placeholder: 'CMD', description: 'run CMD (through sh) for each new alarm, with HOTLINE_ALARM_CODE, HOTLINE_ALARM_LEVEL, HOTLINE_ALARM_MESSAGE and HOTLINE_CHANNEL set' },
    { name: 'interval', type: 'string', placeholder: 'MS', default: '500', description: 'how often to ask the relay' },
    HOME_OPTION,
  ],
};

function alertLine(code: string, message: string, seq?: number | null): string {
  return `!! ALERT ${code}${seq === undefined || seq === null ? '' : ` (seq ${seq})`}: ${message}`;
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

/**
 * Where watch is in the archive: the last seq of the channel printed, the last stored alert
 * printed, and the conditions printed as open. Everything is read back from the archive, never
 * from what this process happened to verify itself.
 */
class Cursor {
  private conditions = new Map<number, StoredCondition>();

  constructor(
    private seq: number,
    private alertId: number,
  ) {}

  /** Statements archived after the cursor (up to the channel's verified head), oldest first. */
  statements(t: Terminal, charter: Charter, all: boolean): { lines: ReturnType<typeof transcript>; readIds: Uint8Array[] } {
    const head = (t.archive.position(charter.channelId)?.nextSeq ?? 1) - 1;
    if (head <= this.seq) return { lines: [], readIds: [] };
    const lines = transcript(t, charter, this.seq + 1, 100_000, all).filter((l) => l.seq <= head);
    const readIds = t.archive.ofTypes(charter.channelId, [StatementType.message], { fromSeq: this.seq + 1 })
      .filter((m) => m.seq <= head && t.directory.device(m.statement.author, t.now())?.party !== t.certificate.party)
      .map((m) => statementId(m.statement));
    this.seq = head;
    return { lines, readIds };
  }

  /** Alerts stored after the cursor that concern this channel or the log as a whole. */
  alerts(t: Terminal, channelHex: string): ArchivedAlert[] {
    const fresh = t.archive.alertsAfter(this.alertId);
    if (fresh.length > 0) this.alertId = fresh.at(-1)!.id;
    return fresh.filter((a) => a.channel === null || a.channel === channelHex);
  }

  /** Conditions opened and ended since the last look. */
  conditionChanges(t: Terminal): { opened: StoredCondition[]; ended: StoredCondition[] } {
    const open = new Map(t.conditions.current().map((c) => [c.id, c]));
    const opened = [...open.values()].filter((c) => !this.conditions.has(c.id));
    const ended = t.conditions.resolved(1000).filter((c) => this.conditions.has(c.id) && !open.has(c.id));
    this.conditions = open;
    return { opened, ended };
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

async function round(t: Terminal, charter: Charter, cursor: Cursor, options: WatchOptions, print: (line: string) => void): Promise<{ reachable: boolean }> {
  let alarms: { charter: Charter; alarm: Alarm }[] = [];
  const reachable = await catchUpOrShowArchive(t, charter, (raised) => (alarms = raised));
  const { lines, readIds } = cursor.statements(t, charter, options.all);
  for (const line of lines) print(formatLine(line));
  for (const a of cursor.alerts(t, toHexId(charter))) print(alertLine(a.code, a.message, a.seq));
  const { opened, ended } = cursor.conditionChanges(t);
  for (const c of opened) print(alertLine(c.code, `${c.message} (open since ${new Date(c.startedAt).toISOString()})`));
  for (const c of ended) print(`-- resolved ${c.code} after ${seconds((c.endedAt ?? t.now()) - c.startedAt)} s: ${c.message}`);
  // Shown to a person: a signed read receipt (it waits in the outbox while the relay is away).
  if (reachable) await sendReceipts(t, charter, readIds, ReceiptKind.read);
  for (const { charter: c, alarm } of alarms) announceAlarm(c.name, alarm, options, print);
  return { reachable };
}

function toHexId(charter: Charter): string {
  return Buffer.from(charter.channelId).toString('hex');
}

function announceAlarm(channel: string, alarm: Alarm, options: WatchOptions, print: (line: string) => void): void {
  print(`!! ALARM ${alarm.code} ${alarm.level.toUpperCase()}: ${alarm.message}`);
  if (options.onAlarm !== undefined) runHook(options.onAlarm, { HOTLINE_ALARM_CODE: alarm.code, HOTLINE_ALARM_LEVEL: alarm.level, HOTLINE_ALARM_MESSAGE: alarm.message, HOTLINE_CHANNEL: channel }, print);
}

/** What `watch --once` exits with (docs/spec/cli.md), as status does but without its alarms. */
function onceStatus(t: Terminal, reachable: boolean): number {
  const failing = (code: string) => code === 'stale' || code === 'coverage_overdue' || (code === 'unsent_overdue' && reachable);
  if (t.archive.lastAlertId() > 0 || t.conditions.current().some((c) => failing(c.code))) return EXIT.alert;
  return reachable && !t.conditions.current().some((c) => c.code === 'unavailable') ? EXIT.ok : EXIT.unreachable;
}

export async function runWatch(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseCommand(argv, WATCH);
  const options: WatchOptions = { all: args.booleans.has('all'), onAlarm: args.values.get('on-alarm') };
  const [channel, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('watch needs a CHANNEL');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const history = integerFlag(args, 'history', 10, 0, 100000);
  const interval = integerFlag(args, 'interval', 500, 50, 60000);
  const once = args.booleans.has('once');
  const t = openTerminal(args);
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const charter = t.charters.find(channel);
    const head = (t.archive.position(charter.channelId)?.nextSeq ?? 1) - 1;
    const lines = transcript(t, charter, 1, 1_000_000, options.all).filter((l) => l.seq <= head);
    print(`watching ${charter.name} (${charter.parties.map((p) => p.name).join(' ⇄ ')}); verified head seq ${head}. Ctrl-C stops.`);
    for (const line of lines.slice(Math.max(0, lines.length - history))) print(formatLine(line));
    // Alerts already on record are shown once at the start (the last few), then followed.
    const recorded = t.archive.alerts(history).filter((a) => a.channel === null || a.channel === toHexId(charter)).reverse();
    for (const a of recorded) print(`${alertLine(a.code, a.message, a.seq)}  (on record since ${new Date(a.at).toISOString()})`);
    const cursor = new Cursor(head, t.archive.lastAlertId());
    let wasReachable = true;
    do {
      const { reachable } = await round(t, charter, cursor, options, print);
      if (reachable !== wasReachable && !once) print(reachable ? `(the relay at ${t.relayUrl} answers again)` : `(cannot reach the relay at ${t.relayUrl}: showing what is verified; retrying every ${interval} ms)`);
      wasReachable = reachable;
      if (once) return onceStatus(t, reachable);
      await new Promise((r) => setTimeout(r, interval));
    } while (!stopped);
    return onceStatus(t, wasReachable);
  } catch (error) {
    throw explain(error, t.relayUrl);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    t.close();
  }
}
