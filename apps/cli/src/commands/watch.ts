/** `hotline watch CHANNEL` — stream the channel's messages as they are verified, and every alert. */
import { toHex } from '@hotline/log';
import { ReceiptKind } from '@hotline/protocol';
import { conditionView, evidenceView, sendReceipts, shownByDefault, transcriptEntry, transcriptView, wantsReadReceipt, type Alarm, type FeedEvent, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { boardExitStatus, catchUpOrShowArchive } from '../session.js';
import type { CommandIo } from '../command-io.js';
import { jsonOutput, textOutput, type WatchOutput } from '../render/watch-output.js';

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
shown here are reported back as read (signed read receipts; not with --json); delivery
receipts, heartbeats at the charter's interval, key updates and approved drafts go out
automatically. When an
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
    { name: 'json', type: 'boolean', description: 'one JSON object per line, each with an "event" (docs/spec/cli.md): statements with their evidence, alerts, conditions, alarms; whole ids. Sends no read receipts: a program, not a person, reads it' },
    HOME_OPTION,
  ],
};

interface WatchOptions {
  readonly all: boolean;
  readonly onAlarm: string | undefined;
  /** Runs --on-alarm where the user is (io.runHook: this process, or the one that forwarded the command). */
  readonly runHook: CommandIo['runHook'];
  /** Send read receipts for what is shown: only when a person reads it (not with --json). */
  readonly readReceipts: boolean;
}

/**
 * Where watch is in the home's change feed (docs/design/terminal.md): the id of the last event
 * it printed. Everything comes from the feed and the archive, in the order the changes were
 * made — by this process or any other on the home — never from what this process happened to
 * verify itself.
 */
class FeedCursor {
  constructor(private id: number) {}

  take(t: Terminal): FeedEvent[] {
    const events = t.archive.feed.after(this.id, 10_000);
    if (events.length > 0) this.id = events.at(-1)!.id;
    return events;
  }
}

/** Prints one feed event for this channel (or the log as a whole); returns the read receipt it calls for, if any. */
function printEvent(t: Terminal, charter: Charter, e: FeedEvent, options: WatchOptions, out: WatchOutput): Uint8Array | undefined {
  if (e.channel !== null && e.channel !== toHex(charter.channelId)) return undefined;
  if (e.kind === 'statement' && e.seq !== null) {
    const stored = t.archive.at(charter.channelId, e.seq);
    if (stored === undefined || (!options.all && !shownByDefault(stored.statement.type))) return undefined;
    out.statement(charter.name, transcriptEntry(t, charter, e.seq)!);
    return options.readReceipts ? wantsReadReceipt(t, stored) : undefined;
  }
  if (e.kind === 'alert' && e.ref !== null) {
    const a = t.archive.alertById(e.ref);
    if (a !== undefined) out.evidence(evidenceView(a), false);
  } else if ((e.kind === 'condition_opened' || e.kind === 'condition_ended') && e.ref !== null) {
    const c = t.conditions.byId(e.ref);
    if (c !== undefined && e.kind === 'condition_opened') out.conditionOpened(conditionView(c, t.now()));
    if (c !== undefined && e.kind === 'condition_ended') out.conditionEnded(conditionView(c, t.now()));
  }
  // Alarms are announced by the round that raised them, with --on-alarm.
  return undefined;
}

async function round(t: Terminal, charter: Charter, cursor: FeedCursor, options: WatchOptions, out: WatchOutput): Promise<{ reachable: boolean }> {
  let alarms: { charter: Charter; alarm: Alarm }[] = [];
  const reachable = await catchUpOrShowArchive(t, charter, (raised) => (alarms = raised));
  const readIds: Uint8Array[] = [];
  for (const e of cursor.take(t)) {
    const read = printEvent(t, charter, e, options, out);
    if (read !== undefined) readIds.push(read);
  }
  // Shown to a person: a signed read receipt (it waits in the outbox while the relay is away).
  if (reachable) await sendReceipts(t, charter, readIds, ReceiptKind.read);
  for (const { charter: c, alarm } of alarms) announceAlarm(c.name, alarm, options, out);
  return { reachable };
}

function announceAlarm(channel: string, alarm: Alarm, options: WatchOptions, out: WatchOutput): void {
  out.alarm(channel, alarm);
  if (options.onAlarm !== undefined) options.runHook(options.onAlarm, { HOTLINE_ALARM_CODE: alarm.code, HOTLINE_ALARM_LEVEL: alarm.level, HOTLINE_ALARM_MESSAGE: alarm.message, HOTLINE_CHANNEL: channel });
}

export async function runWatch(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print } = io;
  const args = parseCommand(argv, WATCH);
  const json = args.booleans.has('json');
  const options: WatchOptions = { all: args.booleans.has('all'), onAlarm: args.values.get('on-alarm'), runHook: io.runHook, readReceipts: !json };
  const out = json ? jsonOutput(print) : textOutput(print);
  const [channel, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('watch needs a CHANNEL');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const history = integerFlag(args, 'history', 10, 0, 100000);
  const interval = integerFlag(args, 'interval', 500, 50, 60000);
  const once = args.booleans.has('once');
  // In the running terminal, every use of its terminal is a turn between its rounds (hosting.ts).
  const hosted = io.host.open(args);
  const t = hosted.terminal;
  const stop = once ? undefined : io.stopSignal();
  try {
    // One read transaction: the history printed and the feed position it ends at are the same
    // snapshot, so nothing archived meanwhile is printed twice or skipped.
    const { charter, start } = await hosted.turn(async () => t.db.transaction(() => {
      const charter = t.charters.find(channel);
      const head = (t.archive.position(charter.channelId)?.nextSeq ?? 1) - 1;
      const entries = history === 0 ? [] : transcriptView(t, charter, { all: options.all, last: history, limit: history }).filter((l) => l.seq <= head);
      const recorded = t.archive.alerts(history).filter((a) => a.channel === null || a.channel === toHex(charter.channelId)).reverse();
      return { charter, start: { head, entries, recorded, open: t.conditions.current(), feed: t.archive.feed.last() } };
    })());
    out.watching({ name: charter.name, id: toHex(charter.channelId), parties: charter.parties.map((p) => p.name) }, start.head);
    for (const entry of start.entries) out.statement(charter.name, entry);
    // Alerts already on record are shown once at the start (the last few), then followed.
    for (const a of start.recorded) out.evidence(evidenceView(a), true);
    for (const c of start.open) out.conditionOpened(conditionView(c, t.now()));
    const cursor = new FeedCursor(start.feed);
    let wasReachable = true;
    do {
      const { reachable } = await hosted.turn(() => round(t, charter, cursor, options, out));
      if (reachable !== wasReachable && !once) out.relay(t.relayUrl, reachable, interval);
      wasReachable = reachable;
      if (once) return await hosted.turn(async () => boardExitStatus(t, reachable, false));
      await sleep(interval, stop);
    } while (stop?.aborted !== true);
    return await hosted.turn(async () => boardExitStatus(t, wasReachable, false));
  } finally {
    hosted.close();
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
