/**
 * Everything this device sends, kept before it is sent: the envelope (to resubmit after a crash
 * or a network failure — the relay answers a resubmission with the original receipt) and, for
 * application messages, the signed statement. A device cannot decrypt its own MLS messages, so
 * when its own envelope comes back from the log the statement is taken from here, and verified
 * like any other.
 */
import { prepared } from '../store/terminal-db.js';
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  envelope_hash BLOB PRIMARY KEY,
  channel       BLOB    NOT NULL,
  statement     BLOB,
  envelope      BLOB    NOT NULL,
  created_at    INTEGER NOT NULL,
  seq           INTEGER
) WITHOUT ROWID;
`;

export interface Unsent {
  readonly envelopeHash: Uint8Array;
  readonly channelId: Uint8Array;
  readonly envelope: Uint8Array;
}

export class Outbox {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  put(channelId: Uint8Array, envelopeHash: Uint8Array, envelope: Uint8Array, statement: Uint8Array | undefined, now: number): void {
    prepared(this.db, 'INSERT INTO outbox (envelope_hash, channel, statement, envelope, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(envelopeHash, channelId, statement ?? null, envelope, now);
  }

  /** The relay acknowledged it (durably) at `seq`. */
  sent(envelopeHash: Uint8Array, seq: number): void {
    prepared(this.db, 'UPDATE outbox SET seq = ? WHERE envelope_hash = ?').run(seq, envelopeHash);
  }

  /** The statement this device put in its own envelope, if it is one of ours. */
  statement(envelopeHash: Uint8Array): Uint8Array | undefined {
    const row = prepared(this.db, 'SELECT statement FROM outbox WHERE envelope_hash = ?').get(envelopeHash) as { statement: Buffer | null } | undefined;
    return row?.statement === null || row === undefined ? undefined : new Uint8Array(row.statement);
  }

  isOurs(envelopeHash: Uint8Array): boolean {
    return prepared(this.db, 'SELECT 1 FROM outbox WHERE envelope_hash = ?').get(envelopeHash) !== undefined;
  }

  /** Envelopes the relay has not acknowledged yet, oldest first. */
  unsent(): Unsent[] {
    return (prepared(this.db, 'SELECT envelope_hash, channel, envelope FROM outbox WHERE seq IS NULL ORDER BY created_at').all() as { envelope_hash: Buffer; channel: Buffer; envelope: Buffer }[]).map((r) => ({
      envelopeHash: new Uint8Array(r.envelope_hash),
      channelId: new Uint8Array(r.channel),
      envelope: new Uint8Array(r.envelope),
    }));
  }
}
