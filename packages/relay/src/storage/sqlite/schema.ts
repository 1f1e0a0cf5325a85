/**
 * SQLite schema for the relay (docs/design/relay-sqlite.md). WAL with synchronous=FULL: a
 * commit returns only after the WAL is fsync'd, so an acknowledged envelope survives power loss.
 * Group commit (many envelopes per transaction) amortises the fsync.
 */
import type Database from 'better-sqlite3';
import { decodeEnvelope, decodeRecord, EnvelopeKind, MlsContentType, readMlsFraming, RecordKind } from '@hotline/protocol';

export const SCHEMA_VERSION = 3;

export const PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = FULL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA cache_size = -65536',
  // No checkpoint inside a commit: a dedicated thread (wal-checkpointer-worker.ts) copies the
  // WAL back into the database, so appends never stall behind that I/O.
  'PRAGMA wal_autocheckpoint = 0',
];

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

-- Streams (channels, party directories) get small integer ids so the log's indexes stay compact.
CREATE TABLE IF NOT EXISTS streams (
  id       INTEGER PRIMARY KEY,
  tag      BLOB    NOT NULL UNIQUE,
  last_seq INTEGER NOT NULL,
  chain    BLOB    NOT NULL
);

-- The log: one row per entry, idx = log index. The record column is the tlog entry.
-- (stream, item_hash) is unique: a resubmitted item gets its original placement back.
CREATE TABLE IF NOT EXISTS log (
  idx       INTEGER PRIMARY KEY,
  stream    INTEGER NOT NULL REFERENCES streams (id),
  seq       INTEGER NOT NULL,
  item_hash BLOB    NOT NULL,
  record    BLOB    NOT NULL,
  body      BLOB    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS log_stream_seq  ON log (stream, seq);
CREATE UNIQUE INDEX IF NOT EXISTS log_stream_item ON log (stream, item_hash);
-- Revocations by item hash (GET /v1/revocations/<hash>): a partial index over the log rows whose
-- record is of kind 3 (byte 2 of the record), so envelopes cost it nothing. Built over the rows
-- already there the first time a relay that has it opens an older file: no data migration.
CREATE INDEX IF NOT EXISTS log_revocation ON log (item_hash) WHERE substr(record, 2, 1) = X'03';

-- One MLS commit per epoch (protocol.md §5.1): the first commit sequenced for (stream, epoch)
-- claims it, in the same transaction as its log row; later handshakes for that epoch are refused.
CREATE TABLE IF NOT EXISTS epochs (
  stream INTEGER NOT NULL REFERENCES streams (id),
  epoch  INTEGER NOT NULL,
  seq    INTEGER NOT NULL,
  PRIMARY KEY (stream, epoch)
) WITHOUT ROWID;

-- Only the widest version of each tile is kept; narrower partial tiles are its prefixes.
CREATE TABLE IF NOT EXISTS tiles (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  width  INTEGER NOT NULL,
  hashes BLOB    NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS checkpoint (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  note TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS devices (
  key         BLOB PRIMARY KEY,
  party       TEXT    NOT NULL,
  member      TEXT    NOT NULL,
  roles       INTEGER NOT NULL,
  not_before  INTEGER NOT NULL,
  not_after   INTEGER NOT NULL,
  certificate BLOB    NOT NULL,
  revoked_at  INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS channels (
  id         BLOB PRIMARY KEY,
  creator    BLOB    NOT NULL,
  version    INTEGER NOT NULL,
  membership BLOB    NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS channel_members (
  channel BLOB NOT NULL,
  device  BLOB NOT NULL,
  PRIMARY KEY (channel, device)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS mailbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient  BLOB    NOT NULL,
  kind       INTEGER NOT NULL,
  sender     BLOB    NOT NULL,
  body       BLOB    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mailbox_recipient ON mailbox (recipient, kind, id);
`;

/**
 * Steps from an older schema version to the next, run at open inside one transaction after
 * SCHEMA (whose CREATE … IF NOT EXISTS adds new tables). Each step fills what its new tables
 * owe to rows written before it existed.
 */
export const MIGRATIONS: Readonly<Record<number, (db: Database.Database) => void>> = {
  // 2 → 3: `epochs` is new; claim each epoch for the first commit already in the log, so a
  // replay of an old commit is refused after the upgrade as it would have been before it.
  2: (db) => {
    const insert = db.prepare('INSERT INTO epochs (stream, epoch, seq) VALUES (?, ?, ?) ON CONFLICT (stream, epoch) DO NOTHING');
    // Paged, not iterated: better-sqlite3 cannot write on a connection while a read is open.
    const page = db.prepare('SELECT idx, stream, seq, record, body FROM log WHERE idx >= ? ORDER BY idx LIMIT 4096');
    for (let from = 0; ; ) {
      const rows = page.all(from) as { idx: number; stream: number; seq: number; record: Buffer; body: Buffer }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const record = decodeRecord(row.record);
        const epoch = record.ok && record.value.kind === RecordKind.envelope ? committedEpoch(row.body) : undefined;
        if (epoch !== undefined) insert.run(row.stream, epoch, row.seq);
      }
      from = rows[rows.length - 1]!.idx + 1;
    }
  },
};

/** The epoch a log body commits, if it is a handshake envelope carrying a readable commit. */
function committedEpoch(body: Uint8Array): number | undefined {
  const envelope = decodeEnvelope(body);
  if (!envelope.ok || envelope.value.kind !== EnvelopeKind.handshake) return undefined;
  const framing = readMlsFraming(envelope.value.payload);
  return framing.ok && framing.value.contentType === MlsContentType.commit ? framing.value.epoch : undefined;
}
