/**
 * The console's backend over one open terminal (backend.ts): reads are the terminal's typed
 * views, read between awaits of the service's rounds (each SQLite transaction is atomic, so a
 * read never sees half a change); commands go to `run`, which the terminal process provides so
 * that they take their turn between rounds like any forwarded command.
 */
import { join } from 'node:path';
import { fromHex, toHex } from '@hotline/log';
import { boardView, channelNameSafety, charterView, consoleTranscript, draftsView, isInternal, statementEvidence, TerminalError, type FeedEvent, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import type { CommandOutcome, ConsoleBackend, ConsoleLanguage, SessionInfo } from './backend.js';

const LANGUAGE_KEY = 'console_language';
/** How often a read waiting for the terminal's write transaction to end looks again. */
const SETTLE_POLL_MS = 2;

export interface TerminalBackendOptions {
  readonly terminal: Terminal;
  /** The home's directory (exports made from the console go under it). */
  readonly home: string;
  /** Runs `hotline <argv>` for this home, as the local socket's forwarded commands run. */
  readonly run: (argv: readonly string[]) => Promise<CommandOutcome>;
  /** Sends read receipts for what a person was shown. */
  readonly markShown: (charter: Charter, seqs: readonly number[]) => Promise<number>;
}

export class TerminalBackend implements ConsoleBackend {
  readonly exportsDir: string;
  private readonly t: Terminal;

  constructor(private readonly options: TerminalBackendOptions) {
    this.t = options.terminal;
    this.exportsDir = join(options.home, 'exports');
  }

  settled(): Promise<void> {
    if (!this.t.db.inTransaction) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (this.t.db.inTransaction ? setTimeout(check, SETTLE_POLL_MS) : resolve());
      setTimeout(check, SETTLE_POLL_MS);
    });
  }

  session(): SessionInfo {
    const c = this.t.certificate;
    const feed = this.t.archive.feed.last();
    const channels = this.t.charters.all().map((ch) => ({ id: toHex(ch.channelId), name: ch.name, internal: isInternal(ch) }));
    return { party: c.party, member: c.member, roles: [...c.roles], device: toHex(this.t.deviceKey), language: this.language(), now: this.t.now(), relay: this.t.relayUrl, feed, channels };
  }

  board(): unknown {
    const board = boardView(this.t, { alerts: 20, reachable: !this.t.conditions.current().some((c) => c.code === 'unavailable') });
    const charters = this.t.charters.all();
    const names = Object.fromEntries(charters.map((c) => [toHex(c.channelId), channelNameSafety(this.t, c)]));
    const byId = new Map(charters.map((c) => [toHex(c.channelId), c]));
    const channels = board.channels.map((c) => {
      const charter = charterView(byId.get(c.id)!);
      return { ...c, charter: { approvals: charter.approvals, ackRoles: charter.ackRoles, ackDeadlines: charter.ackDeadlines } };
    });
    return { ...board, channels, drafts: this.drafts(), names };
  }

  /** The two-person rule's drafts; none on a terminal whose party has no internal channel. */
  private drafts(): unknown[] {
    try {
      return draftsView(this.t);
    } catch (error) {
      if (error instanceof TerminalError && error.code === 'no_internal_channel') return [];
      throw error;
    }
  }

  transcript(channel: string, options: { last?: number; before?: number; all?: boolean }): unknown | undefined {
    const charter = this.charter(channel);
    if (charter === undefined) return undefined;
    return { channel: toHex(charter.channelId), ...consoleTranscript(this.t, charter, options) };
  }

  evidence(channel: string, seq: number): unknown | undefined {
    const charter = this.charter(channel);
    return charter === undefined ? undefined : statementEvidence(this.t, charter, seq);
  }

  channelName(channel: string): string | undefined {
    return this.charter(channel)?.name;
  }

  feedAfter(cursor: number, limit: number) {
    return this.t.archive.feed.after(cursor, limit);
  }

  eventDetail(e: FeedEvent): Record<string, unknown> {
    if (e.kind !== 'statement' || e.channel === null || e.seq === null) return {};
    const charter = this.charter(e.channel);
    if (charter === undefined) return {};
    const entry = consoleTranscript(this.t, charter, { last: 1, before: e.seq + 1, all: true }).entries.find((x) => x.seq === e.seq);
    return { entry: entry ?? null };
  }

  feedLast(): number {
    return this.t.archive.feed.last();
  }

  onFeed(listener: () => void): () => void {
    return this.t.archive.feed.onAppend(listener);
  }

  run(argv: readonly string[]): Promise<CommandOutcome> {
    return this.options.run(argv);
  }

  async markShown(channel: string, seqs: readonly number[]): Promise<number> {
    const charter = this.charter(channel);
    return charter === undefined ? 0 : this.options.markShown(charter, seqs);
  }

  setLanguage(language: ConsoleLanguage): void {
    this.t.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(LANGUAGE_KEY, language);
  }

  private language(): ConsoleLanguage {
    const row = this.t.db.prepare('SELECT value FROM meta WHERE key = ?').get(LANGUAGE_KEY) as { value: string } | undefined;
    return row?.value === 'ru' ? 'ru' : 'en';
  }

  /** The channel by exact name or whole id (the console always has both; no prefixes). */
  private charter(channel: string): Charter | undefined {
    // By id (every stream event, every transcript request): one row, not every charter decoded.
    if (/^[0-9a-f]{32}$/i.test(channel)) {
      const id = fromHex(channel.toLowerCase());
      return id === undefined ? undefined : this.t.charters.get(id);
    }
    return this.t.charters.all().find((c) => c.name === channel);
  }
}
