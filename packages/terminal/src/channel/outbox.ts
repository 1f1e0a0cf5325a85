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
CREATE TABLE IF NOT EXISTS invitations (
  recipient        BLOB    NOT NULL,
  commit_hash      BLOB    NOT NULL,
  channel          BLOB    NOT NULL,
  key_package_hash BLOB    NOT NULL,
  welcome          BLOB    NOT NULL,
  sent             INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (recipient, commit_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  envelope_hash BLOB PRIMARY KEY,
  channel       BLOB    NOT NULL,
  statement     BLOB,
  envelope      BLOB    NOT NULL,
  created_at    INTEGER NOT NULL,
  seq           INTEGER
) WITHOUT ROWID;
`;

/**
 * Receipts are promises by the relay (issue 10 item 1): where it said the envelope went (seq,
 * log index) and when this device heard so, until the proven log confirms or contradicts it.
 * proof: 0 waiting for a checkpoint, 1 proven by the log, 2 contradicted (receipt_broken).
 */
const RECEIPT_COLUMNS: [string, string][] = [
  ['log_index', 'INTEGER'],
  ['receipt_at', 'INTEGER'],
  ['proof', 'INTEGER NOT NULL DEFAULT 0'],
];

export const enum ReceiptProof {
  waiting = 0,
  proven = 1,
  broken = 2,
}

/** A receipt still to be checked against the proven log. */
export interface HeldReceipt {
  readonly envelopeHash: Uint8Array;
  readonly channelId: Uint8Array;
  readonly seq: number;
  readonly logIndex: number;
  /** When this device received the receipt (ms, terminal clock). */
  readonly receiptAt: number;
  /** The signed statement, for application messages. */
  readonly statement: Uint8Array | undefined;
}

export interface Unsent {
  readonly envelopeHash: Uint8Array;
  readonly channelId: Uint8Array;
  readonly envelope: Uint8Array;
  /** When it was put in the outbox (ms, terminal clock). */
  readonly createdAt: number;
}

export class Outbox {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    const have = new Set((db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of RECEIPT_COLUMNS) if (!have.has(name)) db.exec(`ALTER TABLE outbox ADD COLUMN ${name} ${type}`);
    // The console's pending badges look up receipted statements by channel and seq (views/console-queries.ts).
    db.exec('CREATE INDEX IF NOT EXISTS outbox_by_seq ON outbox (channel, seq)');
  }

  put(channelId: Uint8Array, envelopeHash: Uint8Array, envelope: Uint8Array, statement: Uint8Array | undefined, now: number): void {
    prepared(this.db, 'INSERT INTO outbox (envelope_hash, channel, statement, envelope, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(envelopeHash, channelId, statement ?? null, envelope, now);
  }

  /** The relay acknowledged it (durably) at `seq` and `logIndex`: a promise to check against the log. */
  sent(envelopeHash: Uint8Array, receipt: { seq: number; logIndex: number }, now: number): void {
    prepared(this.db, 'UPDATE outbox SET seq = ?, log_index = ?, receipt_at = ?, proof = 0 WHERE envelope_hash = ?').run(receipt.seq, receipt.logIndex, now, envelopeHash);
  }

  /** Receipts not yet confirmed or contradicted by the proven log, oldest first. */
  heldReceipts(): HeldReceipt[] {
    const rows = prepared(this.db, 'SELECT envelope_hash, channel, seq, log_index, receipt_at, statement FROM outbox WHERE seq IS NOT NULL AND log_index IS NOT NULL AND proof = 0 ORDER BY receipt_at').all() as Record<string, Buffer | number | null>[];
    return rows.map((r) => ({
      envelopeHash: new Uint8Array(r['envelope_hash'] as Buffer),
      channelId: new Uint8Array(r['channel'] as Buffer),
      seq: Number(r['seq']),
      logIndex: Number(r['log_index']),
      receiptAt: Number(r['receipt_at']),
      statement: r['statement'] === null ? undefined : new Uint8Array(r['statement'] as Buffer),
    }));
  }

  /** The log proved the receipt: the envelope is where the relay said. */
  proven(envelopeHash: Uint8Array): void {
    prepared(this.db, 'UPDATE outbox SET proof = 1 WHERE envelope_hash = ?').run(envelopeHash);
  }

  /**
   * The log contradicts the receipt: the relay lost or replaced the envelope. It is kept, as
   * unsent, so the next flush hands it to the relay again and the new receipt is checked anew.
   */
  broken(envelopeHash: Uint8Array): void {
    prepared(this.db, 'UPDATE outbox SET proof = 2, seq = NULL, log_index = NULL WHERE envelope_hash = ?').run(envelopeHash);
  }

  /**
   * The relay refused the envelope for good (a commit for an epoch that already has one): it
   * can never be sequenced, so it leaves the outbox rather than being resubmitted forever.
   */
  abandon(envelopeHash: Uint8Array): void {
    prepared(this.db, 'DELETE FROM outbox WHERE envelope_hash = ? AND seq IS NULL').run(envelopeHash);
  }

  /** The statement this device put in its own envelope, if it is one of ours. */
  statement(envelopeHash: Uint8Array): Uint8Array | undefined {
    const row = prepared(this.db, 'SELECT statement FROM outbox WHERE envelope_hash = ?').get(envelopeHash) as { statement: Buffer | null } | undefined;
    return row?.statement === null || row === undefined ? undefined : new Uint8Array(row.statement);
  }

  /** Where the relay said it put this device's envelope, if it receipted it. */
  receiptOf(envelopeHash: Uint8Array): { seq: number; logIndex: number } | undefined {
    const row = prepared(this.db, 'SELECT seq, log_index FROM outbox WHERE envelope_hash = ? AND seq IS NOT NULL AND log_index IS NOT NULL').get(envelopeHash) as { seq: number; log_index: number } | undefined;
    return row === undefined ? undefined : { seq: Number(row.seq), logIndex: Number(row.log_index) };
  }

  isOurs(envelopeHash: Uint8Array): boolean {
    return prepared(this.db, 'SELECT 1 FROM outbox WHERE envelope_hash = ?').get(envelopeHash) !== undefined;
  }

  /** An invitation to send once the commit that adds its recipient has a seq (kept with the commit, so a crash loses neither). */
  putInvitation(i: { recipient: Uint8Array; commitHash: Uint8Array; channelId: Uint8Array; keyPackageHash: Uint8Array; welcome: Uint8Array }): void {
    prepared(this.db, 'INSERT INTO invitations (recipient, commit_hash, channel, key_package_hash, welcome) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(i.recipient, i.commitHash, i.channelId, i.keyPackageHash, i.welcome);
  }

  /** Invitations not sent yet whose commit the relay has sequenced, with that commit. */
  unsentInvitations(): { recipient: Uint8Array; channelId: Uint8Array; keyPackageHash: Uint8Array; welcome: Uint8Array; commitHash: Uint8Array; commitSeq: number; commitEnvelope: Uint8Array }[] {
    const rows = prepared(this.db, 'SELECT i.recipient, i.channel, i.key_package_hash, i.welcome, i.commit_hash, o.seq, o.envelope FROM invitations i JOIN outbox o ON o.envelope_hash = i.commit_hash WHERE i.sent = 0 AND o.seq IS NOT NULL').all() as Record<string, Buffer | number>[];
    return rows.map((r) => ({
      recipient: new Uint8Array(r['recipient'] as Buffer),
      channelId: new Uint8Array(r['channel'] as Buffer),
      keyPackageHash: new Uint8Array(r['key_package_hash'] as Buffer),
      welcome: new Uint8Array(r['welcome'] as Buffer),
      commitHash: new Uint8Array(r['commit_hash'] as Buffer),
      commitSeq: Number(r['seq']),
      commitEnvelope: new Uint8Array(r['envelope'] as Buffer),
    }));
  }

  invitationSent(recipient: Uint8Array, commitHash: Uint8Array): void {
    prepared(this.db, 'UPDATE invitations SET sent = 1 WHERE recipient = ? AND commit_hash = ?').run(recipient, commitHash);
  }

  /** Envelopes the relay has not acknowledged yet, oldest first. */
  unsent(): Unsent[] {
    // A row with a seq but no log index predates receipts being held to the log: resubmitting
    // it gets the relay's original receipt back, index included, so it can be checked too.
    return (prepared(this.db, 'SELECT envelope_hash, channel, envelope, created_at FROM outbox WHERE seq IS NULL OR log_index IS NULL ORDER BY created_at').all() as { envelope_hash: Buffer; channel: Buffer; envelope: Buffer; created_at: number }[]).map((r) => ({
      envelopeHash: new Uint8Array(r.envelope_hash),
      channelId: new Uint8Array(r.channel),
      envelope: new Uint8Array(r.envelope),
      createdAt: Number(r.created_at),
    }));
  }
}
