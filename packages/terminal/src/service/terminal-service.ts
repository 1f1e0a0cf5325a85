/**
 * The always-on terminal (issue 11 item 1): one long-running loop per home that holds the
 * relay's WebSocket subscription, and on every push — and on a periodic tick of the one clock —
 * runs a round: verify the log and every channel, archive what arrives, send delivered
 * receipts, heartbeats at the charter's interval, approved drafts and key updates, and raise
 * alarms. What the round changed reaches the hooks through the change feed, from a cursor kept
 * in the home, so a restart neither repeats a hook nor skips one.
 *
 * The socket is a wake-up only: envelopes are read and verified through the same path as every
 * command's. A relay that stops pushing delays nothing beyond one tick; one that pushes junk
 * only wakes the loop. Losing the socket is retried with backoff, and rounds go on meanwhile
 * (alarms and the time bounds need only the archive and the clock).
 */
import { decodeMessageBody, Precedence, statementId, StatementType, type Charter } from '@hotline/protocol';
import { toHex } from '@hotline/log';
import { catchUpOrRecordOutage } from '../channel/catch-up.js';
import type { Alarm } from '../rules/board.js';
import { isRelayAnswer, isRelayUnavailable, type Subscription } from '../relay-api.js';
import type { Terminal } from '../terminal.js';
import type { FeedEvent } from '../views/feed.js';
import { prepared } from '../store/terminal-db.js';
import { removeRevokedMembers } from '../channel/revocations.js';
import { Metrics } from '@hotline/node-files/metrics';

/** A message that reached the archive, for `--on-message`: references and, only if asked, the text. */
export interface IncomingMessage {
  readonly channel: string;
  readonly channelId: string;
  readonly seq: number;
  readonly statementId: string;
  readonly precedence: number;
  readonly author: string;
  readonly text: string;
}

export interface ServiceHooks {
  /** A valid message from another party at or above `minPrecedence` (Precedence: lower is more urgent). */
  readonly onMessage?: (message: IncomingMessage) => void;
  /** Messages at this precedence or more urgent reach onMessage (default IMMEDIATE). */
  readonly minPrecedence?: number;
  /** A new alarm (deadline passed, party late or silent), once per level. */
  readonly onAlarm?: (channel: string, alarm: Alarm) => void;
  /** A line for the service's own log (never plaintext or key material). */
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface ServiceOptions {
  /** ms between rounds when nothing is pushed (default 1000). */
  readonly tickMs?: number;
  /** Longest wait between reconnection attempts (default 30 s). */
  readonly maxBackoffMs?: number;
}

const CURSOR_KEY = 'service_feed_cursor';
const PENDING_RETRY_MS = 100;

export class TerminalService {
  private subscription: Subscription | undefined;
  private wake: (() => void) | undefined;
  private pushed = false;
  private backoffMs = 0;
  private nextConnectAt = 0;
  private stopped = false;
  /** Rounds and the commands run for this home (the local socket) take turns: one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly startedAt = Date.now();
  private lastRoundAt: number | undefined;
  readonly metrics = new Metrics();
  private readonly countRound = this.metrics.counter('hotline_terminal_rounds', 'rounds run (catch-up, sends, alarms)');
  private readonly countMessage = this.metrics.counter('hotline_terminal_messages', 'valid messages from other parties archived');
  private readonly countAlarm = this.metrics.counter('hotline_terminal_alarms', 'alarms raised, by level');
  private readonly countAlert = this.metrics.counter('hotline_terminal_alerts', 'evidence alerts stored, by code');

  constructor(
    private readonly t: Terminal,
    private readonly hooks: ServiceHooks = {},
    private readonly options: ServiceOptions = {},
  ) {
    this.metrics.gauge('hotline_terminal_subscribed', '1 while the relay\'s push subscription is open', () => (this.subscription === undefined ? 0 : 1));
    this.metrics.gauge('hotline_terminal_feed_cursor', 'the last change-feed event handed to the hooks', () => this.cursor() ?? 0);
    this.metrics.gauge('hotline_terminal_last_round_age_seconds', 'seconds since the last round finished', () => (this.lastRoundAt === undefined ? -1 : (Date.now() - this.lastRoundAt) / 1000));
  }

  /**
   * Runs `work` when no round and no other command is using the terminal, so that nothing else
   * in this process reads or advances MLS state (or sits in the database's write transaction)
   * meanwhile. The local socket's commands run through here.
   */
  turn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** What /healthz reports: facts for a supervisor, no secrets. */
  health(): Record<string, unknown> {
    return {
      ok: !this.stopped,
      party: this.t.certificate.party,
      member: this.t.certificate.member,
      device: toHex(this.t.deviceKey),
      relay: this.t.relayUrl,
      pid: process.pid,
      startedAt: new Date(this.startedAt).toISOString(),
      lastRoundAt: this.lastRoundAt === undefined ? null : new Date(this.lastRoundAt).toISOString(),
      subscribed: this.subscription !== undefined,
    };
  }

  /** Runs until `stop()`; the round in progress finishes first (drain). */
  async run(): Promise<void> {
    if (this.cursor() === undefined) this.saveCursor(this.t.archive.feed.last()); // hooks are for what comes next, not the history
    while (!this.stopped) {
      await this.ensureSubscription();
      const pending = await this.turn(() => this.round());
      this.lastRoundAt = Date.now();
      this.countRound();
      // Envelopes waiting for a cosigned checkpoint: look again soon, not a whole tick later
      // (the relay signs every 250 ms by default; no push announces the checkpoint).
      if (!this.stopped) await this.sleepUntilWoken(pending ? Math.min(PENDING_RETRY_MS, this.options.tickMs ?? 1000) : (this.options.tickMs ?? 1000));
    }
    await this.subscription?.close().catch(() => undefined);
    this.subscription = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** One round; true if envelopes are waiting for a checkpoint to cover them. */
  private async round(): Promise<boolean> {
    const { round, alarms } = await catchUpOrRecordOutage(this.t);
    const pending = round !== undefined && [...round.channels.values()].some((c) => c.outcome.pending > 0);
    if (round !== undefined) {
      try {
        for (const r of await removeRevokedMembers(this.t)) this.hooks.log?.('removed_revoked', r);
      } catch (error) {
        if (!isRelayUnavailable(error) && !isRelayAnswer(error)) throw error; // the next round records the outage
      }
    }
    this.dispatch();
    for (const { charter, alarm } of alarms) {
      this.hooks.log?.('alarm', { channel: charter.name, code: alarm.code, level: alarm.level });
      this.countAlarm(1, { level: alarm.level });
      this.hooks.onAlarm?.(charter.name, alarm);
    }
    return pending;
  }

  /** Hands what the round archived to the hooks, from the durable cursor. */
  private dispatch(): void {
    let cursor = this.cursor() ?? 0;
    // Charters decode and verify on every read: look them up once per dispatch, not per event.
    const charters = new Map(this.t.charters.all().map((c) => [toHex(c.channelId), c]));
    for (;;) {
      const events = this.t.archive.feed.after(cursor, 1000);
      if (events.length === 0) return;
      for (const e of events) this.handle(e, charters);
      cursor = events.at(-1)!.id;
      this.saveCursor(cursor);
    }
  }

  private handle(e: FeedEvent, charters: ReadonlyMap<string, Charter>): void {
    if (e.kind === 'alert' && e.ref !== null) {
      const a = this.t.archive.alertById(e.ref);
      if (a !== undefined) this.hooks.log?.('alert', { code: a.code, channel: a.channel, seq: a.seq, logIndex: a.logIndex });
      if (a !== undefined) this.countAlert(1, { code: a.code });
      return;
    }
    if (e.kind !== 'statement' || e.seq === null || e.channel === null) return;
    const charter = charters.get(e.channel);
    if (charter === undefined) return;
    const stored = this.t.archive.at(charter.channelId, e.seq);
    if (stored === undefined || !stored.valid || stored.statement.type !== StatementType.message) return;
    const author = this.t.directory.entry(stored.statement.author);
    if (author === undefined || author.party === this.t.certificate.party) return;
    const body = decodeMessageBody(stored.statement.body);
    if (!body.ok) return;
    this.hooks.log?.('message', { channel: charter.name, seq: stored.seq, precedence: body.value.precedence });
    this.countMessage();
    if (body.value.precedence > (this.hooks.minPrecedence ?? Precedence.immediate)) return;
    this.hooks.onMessage?.({
      channel: charter.name,
      channelId: e.channel,
      seq: stored.seq,
      statementId: toHex(statementId(stored.statement)),
      precedence: body.value.precedence,
      author: `${author.party} / ${author.member}`,
      text: body.value.text,
    });
  }

  /** (Re)opens the push subscription, with backoff after a failure; never throws. */
  private async ensureSubscription(): Promise<void> {
    if (this.subscription !== undefined || this.t.relay.subscribe === undefined || Date.now() < this.nextConnectAt) return;
    const channels = this.t.charters.all()
      .filter((c) => this.t.charters.removedAt(c.channelId) === undefined)
      .flatMap((c) => {
        const position = this.t.archive.position(c.channelId);
        return position === undefined ? [] : [{ channelId: c.channelId, fromSeq: position.nextSeq }];
      });
    try {
      const subscription = await this.t.relay.subscribe(channels, () => this.onPush());
      this.subscription = subscription;
      this.backoffMs = 0;
      this.hooks.log?.('subscribed', { channels: channels.length });
      void subscription.closed.then(() => {
        if (this.subscription === subscription) this.subscription = undefined;
        this.hooks.log?.('disconnected', {});
        this.wake?.(); // reconnect and catch up at once
      });
    } catch (error) {
      this.backoffMs = Math.min(this.options.maxBackoffMs ?? 30_000, Math.max(500, this.backoffMs * 2));
      this.nextConnectAt = Date.now() + this.backoffMs;
      this.hooks.log?.('subscribe_failed', { retryInMs: this.backoffMs, error: error instanceof Error ? error.name : 'error' });
    }
  }

  private onPush(): void {
    this.pushed = true;
    this.wake?.();
  }

  /** Waits for a push, a stop, or the tick; pushes that arrived during the round wake at once. */
  private sleepUntilWoken(tickMs: number): Promise<void> {
    if (this.pushed) {
      this.pushed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, tickMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        self.pushed = false;
        resolve();
      }
      this.wake = done;
    });
  }

  private cursor(): number | undefined {
    const row = prepared(this.t.db, 'SELECT value FROM meta WHERE key = ?').get(CURSOR_KEY) as { value: string } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  private saveCursor(id: number): void {
    prepared(this.t.db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(CURSOR_KEY, String(id));
  }
}
