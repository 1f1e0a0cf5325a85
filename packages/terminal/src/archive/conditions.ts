/**
 * Condition alerts (issue 10 item 11): states of the world that begin and end — no fresh
 * quorum checkpoint (`stale`), the relay not answering (`unavailable`), a receipt not covered
 * by a cosigned checkpoint within the coverage bound (`coverage_overdue`). Unlike evidence
 * alerts (a fork, a rollback, a broken receipt: proof that something lied, kept for good), a
 * condition is stored with its start and, once a consistent cosigned checkpoint clears it, its
 * end. An honest relay that recovers from an outage leaves only resolved conditions behind.
 *
 * One open condition per (code, subject): the subject says what it is about ('' for the log as
 * a whole, the envelope hash for a receipt), so a receipt overdue for an hour is one row whose
 * `last_seen_at` moves, not one row per refresh.
 */
import type Database from 'better-sqlite3';
import { toHex } from '@hotline/log';
import { prepared } from '../store/terminal-db.js';
import type { Feed } from '../views/feed.js';

export type ConditionCode = 'stale' | 'unavailable' | 'coverage_overdue' | 'unsent_overdue';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conditions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  code         TEXT    NOT NULL,
  subject      TEXT    NOT NULL,
  channel      BLOB,
  message      TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at     INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS conditions_open ON conditions (code, subject) WHERE ended_at IS NULL;
`;

export interface StoredCondition {
  readonly id: number;
  readonly code: ConditionCode;
  readonly subject: string;
  readonly channel: string | null;
  readonly message: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** Undefined while open. */
  readonly endedAt?: number;
}

function row(r: Record<string, unknown>): StoredCondition {
  return {
    id: Number(r['id']),
    code: String(r['code']) as ConditionCode,
    subject: String(r['subject']),
    channel: r['channel'] === null ? null : toHex(r['channel'] as Buffer),
    message: String(r['message']),
    startedAt: Number(r['started_at']),
    lastSeenAt: Number(r['last_seen_at']),
    ...(r['ended_at'] === null ? {} : { endedAt: Number(r['ended_at']) }),
  };
}

export class Conditions {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    /** Openings and endings are appended to the change feed in the same transaction. */
    private readonly feed?: Feed,
  ) {
    db.exec(SCHEMA);
  }

  /**
   * Opens the condition, or — if it is open already — refreshes its message and last-seen
   * time, keeping its start. Returns true if it was not open before.
   */
  raise(code: ConditionCode, subject: string, message: string, channel?: Uint8Array): boolean {
    return this.db.transaction(() => {
      const now = this.now();
      const updated = prepared(this.db, 'UPDATE conditions SET message = ?, last_seen_at = ? WHERE code = ? AND subject = ? AND ended_at IS NULL').run(message, now, code, subject);
      if (updated.changes > 0) return false;
      const row = prepared(this.db, 'INSERT INTO conditions (code, subject, channel, message, started_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)').run(code, subject, channel ?? null, message, now, now);
      this.feed?.append('condition_opened', { channel: channel ?? null, ref: Number(row.lastInsertRowid) });
      return true;
    })();
  }

  /** Ends the open condition (every open one of `code` if no subject is given). Returns how many ended. */
  end(code: ConditionCode, subject?: string): number {
    return this.db.transaction(() => {
      const now = this.now();
      const open = (subject === undefined
        ? prepared(this.db, 'SELECT id, channel FROM conditions WHERE code = ? AND ended_at IS NULL').all(code)
        : prepared(this.db, 'SELECT id, channel FROM conditions WHERE code = ? AND subject = ? AND ended_at IS NULL').all(code, subject)) as { id: number; channel: Buffer | null }[];
      for (const c of open) {
        prepared(this.db, 'UPDATE conditions SET ended_at = ? WHERE id = ?').run(now, c.id);
        this.feed?.append('condition_ended', { channel: c.channel === null ? null : new Uint8Array(c.channel), ref: Number(c.id) });
      }
      return open.length;
    })();
  }

  /** One condition by row id (for a feed event). */
  byId(id: number): StoredCondition | undefined {
    const r = prepared(this.db, 'SELECT * FROM conditions WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r === undefined ? undefined : row(r);
  }

  isOpen(code: ConditionCode, subject?: string): boolean {
    const found = subject === undefined
      ? prepared(this.db, 'SELECT 1 FROM conditions WHERE code = ? AND ended_at IS NULL').get(code)
      : prepared(this.db, 'SELECT 1 FROM conditions WHERE code = ? AND subject = ? AND ended_at IS NULL').get(code, subject);
    return found !== undefined;
  }

  /** Open conditions, oldest first. */
  current(): StoredCondition[] {
    return (prepared(this.db, 'SELECT * FROM conditions WHERE ended_at IS NULL ORDER BY started_at, id').all() as Record<string, unknown>[]).map(row);
  }

  /** The most recently ended conditions, newest first. */
  resolved(limit = 100): StoredCondition[] {
    return (prepared(this.db, 'SELECT * FROM conditions WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(row);
  }
}
