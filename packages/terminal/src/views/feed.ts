/**
 * The change feed (issue 11 item 2): an ordered, durable stream of what happened to this home —
 * a statement archived, an alert stored, an alarm raised, a condition opened or ended — written
 * in the same transaction as the change itself, by whichever process made it. A reader keeps
 * the id of the last event it handled (its cursor) and asks for what came `after` it: a reader
 * that disconnects, or a process that restarts, misses nothing and sees nothing twice.
 *
 * Events carry references (channel, seq, alert id, condition id), never plaintext: readers
 * fetch what they are allowed to show from the archive.
 */
import type Database from 'better-sqlite3';
import { toHex } from '@hotline/log';
import { prepared } from '../store/terminal-db.js';

export type FeedEventKind = 'statement' | 'alert' | 'alarm' | 'condition_opened' | 'condition_ended';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS feed (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  kind    TEXT    NOT NULL,
  channel BLOB,
  seq     INTEGER,
  ref     INTEGER
);
`;

export interface FeedEvent {
  /** Strictly increasing: the cursor. */
  readonly id: number;
  /** ms, terminal clock. */
  readonly at: number;
  readonly kind: FeedEventKind;
  /** Hex channel id, for events about one channel. */
  readonly channel: string | null;
  /** The statement's seq, for `statement` events. */
  readonly seq: number | null;
  /** The alert's or condition's row id, for those events. */
  readonly ref: number | null;
}

export class Feed {
  private readonly listeners = new Set<() => void>();
  private notifying = false;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    db.exec(SCHEMA);
  }

  /** Appends an event; call it inside the transaction that makes the change. */
  append(kind: FeedEventKind, about: { channel?: Uint8Array | null; seq?: number; ref?: number } = {}): void {
    prepared(this.db, 'INSERT INTO feed (at, kind, channel, seq, ref) VALUES (?, ?, ?, ?, ?)').run(this.now(), kind, about.channel ?? null, about.seq ?? null, about.ref ?? null);
    this.notifySoon();
  }

  /**
   * Calls `listener` after the feed grew in this process (the console's event stream follows
   * it without polling). Listeners run on the next turn of the event loop, after the
   * transaction that appended has committed, and once for many appends in a row.
   */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notifySoon(): void {
    if (this.notifying || this.listeners.size === 0) return;
    this.notifying = true;
    setImmediate(() => {
      this.notifying = false;
      for (const l of this.listeners) l();
    });
  }

  /** Events after cursor `after` (0 for the beginning), oldest first, at most `limit`. */
  after(after: number, limit = 1000): FeedEvent[] {
    return (prepared(this.db, 'SELECT id, at, kind, channel, seq, ref FROM feed WHERE id > ? ORDER BY id LIMIT ?').all(after, limit) as Record<string, unknown>[]).map((r) => ({
      id: Number(r['id']),
      at: Number(r['at']),
      kind: String(r['kind']) as FeedEventKind,
      channel: r['channel'] === null ? null : toHex(r['channel'] as Buffer),
      seq: r['seq'] === null ? null : Number(r['seq']),
      ref: r['ref'] === null ? null : Number(r['ref']),
    }));
  }

  /** The newest event's id (0 if none): where a reader that wants only what comes next starts. */
  last(): number {
    return (prepared(this.db, 'SELECT coalesce(max(id), 0) AS m FROM feed').get() as { m: number }).m;
  }
}
