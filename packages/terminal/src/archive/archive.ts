/**
 * The terminal's archive (SQLite, WAL, synchronous=FULL): every verified statement with the
 * log record and log index that place it, each channel's verified position, the checkpoints
 * that proved them, and every alert. Accepting a statement and advancing its channel's position
 * are one transaction, so a crash can neither skip nor repeat an envelope. Later work (record
 * export, leak check, console) reads from here.
 */
import Database from 'better-sqlite3';
import { bytesEqual, toHex } from '@hotline/log';
import { decodeRecord, decodeVerifiedStatement, statementId, type Statement } from '@hotline/protocol';
import { openTerminalDb, prepared } from '../store/terminal-db.js';
import type { ChannelPosition, EnvelopeAlert } from '@hotline/verify';
import { Feed } from '../views/feed.js';
import { HotlineError, type ErrorSubject } from '../errors.js';
import { RecentMessages, type MessageSummary } from './recent-messages.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS positions (channel BLOB PRIMARY KEY, next_seq INTEGER NOT NULL, chain BLOB NOT NULL, received_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statements (
  channel      BLOB    NOT NULL,
  seq          INTEGER NOT NULL,
  log_index    INTEGER NOT NULL,
  statement_id BLOB    NOT NULL UNIQUE,
  author       BLOB    NOT NULL,
  type         INTEGER NOT NULL,
  time         INTEGER NOT NULL,
  statement    BLOB    NOT NULL,
  record       BLOB    NOT NULL,
  received_at  INTEGER NOT NULL,
  valid        INTEGER NOT NULL,
  PRIMARY KEY (channel, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS statements_by_kind ON statements (channel, type, valid, seq);
CREATE TABLE IF NOT EXISTS chains (channel BLOB NOT NULL, seq INTEGER NOT NULL, chain BLOB NOT NULL, PRIMARY KEY (channel, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, verified_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS channel_records (log_index INTEGER PRIMARY KEY, record BLOB NOT NULL, tag BLOB NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS channel_records_by_seq ON channel_records (tag, seq);
CREATE TABLE IF NOT EXISTS used_drafts (channel BLOB NOT NULL, draft TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (channel, draft)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alarms (channel BLOB NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (channel, code, message)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  channel   BLOB,
  code      TEXT    NOT NULL,
  message   TEXT    NOT NULL,
  seq       INTEGER,
  log_index INTEGER,
  at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_seq ON alerts (channel, seq);
`;

export interface ArchivedStatement {
  readonly seq: number;
  readonly logIndex: number;
  readonly statement: Uint8Array;
  readonly record: Uint8Array;
}

/** An alert to store: evidence, if given, is kept as JSON beside it (e.g. both notes of a fork). */
export interface AlertInput {
  readonly code: string;
  readonly message: string;
  readonly seq?: number;
  readonly logIndex?: number;
  readonly evidence?: Record<string, string>;
}

export interface ArchivedAlert {
  readonly id: number;
  readonly channel: string | null;
  readonly code: string;
  readonly message: string;
  readonly seq: number | null;
  readonly logIndex: number | null;
  readonly at: number;
  readonly evidence?: Record<string, string>;
}

/** A statement as the archive keeps it, decoded (it was verified before it was stored). */
export interface StoredStatement {
  readonly seq: number;
  readonly statement: Statement;
  /** The relay's receive time from the log record (ms), bounded by witness cosignatures. */
  readonly receivedAt: number;
  /** False if it broke a hotline rule (an alert says which). */
  readonly valid: boolean;
}

interface StoredRow {
  seq: number;
  statement: Buffer;
  received_at: number;
  valid: number;
}

function stored(row: StoredRow): StoredStatement {
  // A plain Uint8Array over SQLite's fresh Buffer, not a second copy (decoding makes the statement's own).
  const opened = decodeVerifiedStatement(new Uint8Array(row.statement.buffer, row.statement.byteOffset, row.statement.byteLength));
  if (!opened.ok) throw new ArchiveError(`archived statement at seq ${row.seq} is unreadable: ${opened.error.message}`, { seq: Number(row.seq) });
  return { seq: Number(row.seq), statement: opened.value, receivedAt: Number(row.received_at), valid: row.valid === 1 };
}

function alertFromRow(r: Record<string, unknown>): ArchivedAlert {
  return {
    id: Number(r['id']),
    channel: r['channel'] === null ? null : toHex(r['channel'] as Buffer),
    code: String(r['code']),
    message: String(r['message']),
    seq: r['seq'] === null ? null : Number(r['seq']),
    logIndex: r['log_index'] === null ? null : Number(r['log_index']),
    at: Number(r['at']),
    ...(r['evidence'] === null || r['evidence'] === undefined ? {} : { evidence: JSON.parse(String(r['evidence'])) as Record<string, string> }),
  };
}

/** The archive would become inconsistent with itself: nothing was stored. */
export class ArchiveError extends HotlineError {
  override readonly name = 'ArchiveError';
  constructor(message: string, subject: ErrorSubject = {}) {
    super('archive_inconsistent', message, subject);
  }
}

export class Archive {
  private readonly db: Database.Database;

  /** Every change below is also appended to this feed, in the same transaction. */
  readonly feed: Feed;
  private readonly recent: RecentMessages;

  /** `database`: the terminal database, or a path to open one. */
  constructor(database: Database.Database | string, private readonly now: () => number = Date.now) {
    this.db = typeof database === 'string' ? openTerminalDb(database) : database;
    this.db.exec(SCHEMA);
    this.feed = new Feed(this.db, now);
    this.recent = new RecentMessages(this.db);
    // Evidence behind an alert (both checkpoints of a fork): added after the first homes were made.
    const columns = new Set((this.db.prepare('PRAGMA table_info(alerts)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('evidence')) this.db.exec('ALTER TABLE alerts ADD COLUMN evidence TEXT');
  }

  position(channelId: Uint8Array): ChannelPosition | undefined {
    const row = prepared(this.db, 'SELECT next_seq, chain, received_at FROM positions WHERE channel = ?').get(channelId) as { next_seq: number; chain: Buffer; received_at: number } | undefined;
    return row === undefined ? undefined : { nextSeq: Number(row.next_seq), chain: new Uint8Array(row.chain), receivedAt: Number(row.received_at) };
  }

  /**
   * Stores an accepted statement and the channel position after it, atomically. The position
   * must move forward by exactly one envelope from the stored one.
   */
  accept(channelId: Uint8Array, accepted: { statement: Statement; seq: number; logIndex: number; record: Uint8Array }, after: ChannelPosition, broken?: { code: string; message: string }): void {
    this.db.transaction(() => {
      const before = this.position(channelId);
      const expected = (before?.nextSeq ?? 1);
      if (accepted.seq !== expected || after.nextSeq !== accepted.seq + 1) {
        throw new ArchiveError(`channel ${toHex(channelId).slice(0, 8)}: archiving seq ${accepted.seq}, but the archive expects ${expected}`, { seq: accepted.seq, logIndex: accepted.logIndex });
      }
      const s = accepted.statement;
      const record = decodeRecord(accepted.record);
      prepared(this.db, 'INSERT INTO statements (channel, seq, log_index, statement_id, author, type, time, statement, record, received_at, valid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(channelId, accepted.seq, accepted.logIndex, statementId(s), s.author, s.type, s.time, s.bytes, accepted.record, record.ok ? record.value.receivedAt : 0, broken === undefined ? 1 : 0);
      this.feed.append('statement', { channel: channelId, seq: accepted.seq });
      if (broken !== undefined) this.insertAlert(channelId, { ...broken, seq: accepted.seq, logIndex: accepted.logIndex });
      this.setPosition(channelId, after);
    }).immediate();
  }

  /** Moves a channel past an envelope whose content raised an alert (the stream itself was sound). */
  skip(channelId: Uint8Array, after: ChannelPosition, alert: EnvelopeAlert): void {
    this.db.transaction(() => {
      this.setPosition(channelId, after);
      this.insertAlert(channelId, alert);
    }).immediate();
  }

  /**
   * Keeps the log record of an envelope the channel's verification moved past (statement,
   * commit or refused content), beside those the log scan keeps: a channel joined after the scan
   * passed its first records still has every record of what it verified, for a record export.
   */
  keepRecord(logIndex: number, record: Uint8Array): void {
    const decoded = decodeRecord(record);
    if (decoded.ok) prepared(this.db, 'INSERT INTO channel_records (log_index, record, tag, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(logIndex, record, decoded.value.streamTag, decoded.value.seq);
  }

  /** Every checkpoint this terminal verified, smallest first (signed-note text, with the cosignatures it was shown). */
  checkpoints(): { size: number; note: string }[] {
    return (prepared(this.db, 'SELECT size, note FROM checkpoints ORDER BY size').all() as { size: number; note: string }[]).map((r) => ({ size: Number(r.size), note: r.note }));
  }

  /** A channel's log records kept for seqs `from`..`to`, in seq order (gaps are what the archive lacks). */
  channelRecords(tag: Uint8Array, from: number, to: number): { logIndex: number; seq: number; record: Uint8Array }[] {
    return (prepared(this.db, 'SELECT log_index, seq, record FROM channel_records WHERE tag = ? AND seq >= ? AND seq <= ? ORDER BY seq').all(tag, from, to) as { log_index: number; seq: number; record: Buffer }[]).map((r) => ({ logIndex: Number(r.log_index), seq: Number(r.seq), record: new Uint8Array(r.record) }));
  }

  /** The archived statement of a channel whose id starts with `hex` (full id, or a unique prefix). */
  statementIdsLike(channelId: Uint8Array, hex: string): { seq: number; id: string }[] {
    const rows = prepared(this.db, 'SELECT seq, statement_id FROM statements WHERE channel = ? AND hex(statement_id) LIKE ?').all(channelId, `${hex.toUpperCase()}%`) as { seq: number; statement_id: Buffer }[];
    return rows.map((r) => ({ seq: Number(r.seq), id: toHex(r.statement_id) }));
  }

  /** Moves a channel past an envelope that carried no statement (an MLS commit), verified. */
  advance(channelId: Uint8Array, after: ChannelPosition): void {
    this.setPosition(channelId, after);
  }

  private setPosition(channelId: Uint8Array, after: ChannelPosition): void {
    if (after.nextSeq > 1) prepared(this.db, 'INSERT INTO chains (channel, seq, chain) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(channelId, after.nextSeq - 1, after.chain);
    prepared(this.db, 'INSERT INTO positions (channel, next_seq, chain, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET next_seq = excluded.next_seq, chain = excluded.chain, received_at = excluded.received_at').run(channelId, after.nextSeq, after.chain, after.receivedAt ?? 0);
  }

  private insertAlert(channelId: Uint8Array | undefined, alert: AlertInput): void {
    const row = prepared(this.db, 'INSERT INTO alerts (channel, code, message, seq, log_index, at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)').run(channelId ?? null, alert.code, alert.message, alert.seq ?? null, alert.logIndex ?? null, this.now(), alert.evidence === undefined ? null : JSON.stringify(alert.evidence));
    this.feed.append('alert', { channel: channelId ?? null, ...(alert.seq === undefined ? {} : { seq: alert.seq }), ref: Number(row.lastInsertRowid) });
  }

  /**
   * Stores an alert that does not move any channel (gap, fork, stale, unexpected device…). The
   * same code about the same place is stored once: a relay that keeps withholding seq 7 raises
   * one alert, not one per sync. Returns whether the alert is new.
   */
  alert(channelId: Uint8Array | undefined, alert: AlertInput): boolean {
    return this.db.transaction(() => {
      const seen = prepared(this.db, 'SELECT 1 FROM alerts WHERE channel IS ? AND code = ? AND seq IS ? AND log_index IS ? AND message = ?').get(channelId ?? null, alert.code, alert.seq ?? null, alert.logIndex ?? null, alert.message);
      if (seen !== undefined) return false;
      this.insertAlert(channelId, alert);
      return true;
    })();
  }

  /**
   * Records that a hotline-rule alarm (a deadline passed, a party missed its liveness test) was
   * raised, once per alarm and level. Alarms are not alerts: nothing failed to verify. Returns
   * whether it is new.
   */
  raiseAlarm(channelId: Uint8Array, alarm: { code: string; message: string }): boolean {
    return this.db.transaction(() => {
      const raised = prepared(this.db, 'INSERT INTO alarms (channel, code, message, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(channelId, alarm.code, alarm.message, this.now()).changes === 1;
      if (raised) this.feed.append('alarm', { channel: channelId });
      return raised;
    })();
  }

  /** The most recent alerts, newest first. */
  alerts(limit = 100): ArchivedAlert[] {
    return (prepared(this.db, 'SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(alertFromRow);
  }

  /** One stored alert by id (for a feed event). */
  alertById(id: number): ArchivedAlert | undefined {
    const r = prepared(this.db, 'SELECT * FROM alerts WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r === undefined ? undefined : alertFromRow(r);
  }

  /** The archived statement at a channel's seq, if it is one (not a commit). */
  at(channelId: Uint8Array, seq: number): (StoredStatement & { logIndex: number }) | undefined {
    const row = prepared(this.db, 'SELECT seq, statement, received_at, valid, log_index FROM statements WHERE channel = ? AND seq = ?').get(channelId, seq) as (StoredRow & { log_index: number }) | undefined;
    return row === undefined ? undefined : { ...stored(row), logIndex: Number(row.log_index) };
  }

  /** The signed statement bytes archived at a channel's seq (valid or not), if it is one. */
  rawAt(channelId: Uint8Array, seq: number): Uint8Array | undefined {
    const row = prepared(this.db, 'SELECT statement FROM statements WHERE channel = ? AND seq = ?').get(channelId, seq) as { statement: Buffer } | undefined;
    return row === undefined ? undefined : new Uint8Array(row.statement);
  }

  /** The smallest checkpoint this terminal verified that covers log index `logIndex`: the evidence of inclusion. */
  checkpointCovering(logIndex: number): { size: number; note: string } | undefined {
    const row = prepared(this.db, 'SELECT size, note FROM checkpoints WHERE size > ? ORDER BY size LIMIT 1').get(logIndex) as { size: number; note: string } | undefined;
    return row === undefined ? undefined : { size: Number(row.size), note: row.note };
  }

  /** The newest alert's id (0 if none): a cursor for following what is stored after it. */
  lastAlertId(): number {
    return (prepared(this.db, 'SELECT coalesce(max(id), 0) AS m FROM alerts').get() as { m: number }).m;
  }

  /** Alerts stored after id `afterId` by any process on this home, oldest first. */
  alertsAfter(afterId: number, limit = 1000): ArchivedAlert[] {
    return (prepared(this.db, 'SELECT * FROM alerts WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Record<string, unknown>[]).map(alertFromRow);
  }

  /** Keeps each checkpoint that proved something, for the record and for later export. */
  recordCheckpoint(size: number, note: string): void {
    const existing = prepared(this.db, 'SELECT note FROM checkpoints WHERE size = ?').get(size) as { note: string } | undefined;
    if (existing !== undefined && existing.note.split('\n\n')[0] !== note.split('\n\n')[0]) {
      throw new ArchiveError(`two different checkpoints of size ${size}: the log forked`);
    }
    prepared(this.db, 'INSERT INTO checkpoints (size, note, verified_at) VALUES (?, ?, ?) ON CONFLICT (size) DO UPDATE SET note = excluded.note').run(size, note, this.now());
  }

  /** chain[seq] of a channel as this terminal verified it, if it verified that far (and from where it joined). */
  chainAt(channelId: Uint8Array, seq: number): Uint8Array | undefined {
    const row = prepared(this.db, 'SELECT chain FROM chains WHERE channel = ? AND seq = ?').get(channelId, seq) as { chain: Buffer } | undefined;
    return row === undefined ? undefined : new Uint8Array(row.chain);
  }

  /** The first seq whose chain this terminal holds for a channel (where its history starts: the commit that added it). */
  firstChainSeq(channelId: Uint8Array): number | undefined {
    const row = prepared(this.db, 'SELECT min(seq) AS m FROM chains WHERE channel = ?').get(channelId) as { m: number | null };
    return row.m ?? undefined;
  }

  /** An archived statement of a channel by its id. */
  byId(channelId: Uint8Array, id: Uint8Array): StoredStatement | undefined {
    const row = prepared(this.db, 'SELECT seq, statement, received_at, valid FROM statements WHERE channel = ? AND statement_id = ?').get(channelId, id) as StoredRow | undefined;
    return row === undefined ? undefined : stored(row);
  }

  /** Each author's last valid statement of a type (e.g. heartbeats), however many others there are. */
  lastByAuthor(channelId: Uint8Array, type: number): StoredStatement[] {
    // Two steps, each on an index: as one join SQLite walked every statement of the channel,
    // which a running terminal pays on every round (profile of the delivery → hook bench).
    // INDEXED BY: without it SQLite walks the primary key over every statement of the channel
    // (all their bytes) to group the few of this type; the board pays this once per round.
    const last = prepared(this.db, 'SELECT max(seq) AS seq FROM statements INDEXED BY statements_by_kind WHERE channel = ? AND type = ? AND valid = 1 GROUP BY author').all(channelId, type) as { seq: number }[];
    const one = prepared(this.db, 'SELECT seq, statement, received_at, valid FROM statements WHERE channel = ? AND seq = ?');
    return last.map((r) => one.get(channelId, r.seq) as StoredRow).sort((a, b) => Number(a.seq) - Number(b.seq)).map(stored);
  }

  /** The seq of the valid message that used this draft's approvals, if one did. */
  draftUsedAt(channelId: Uint8Array, draft: string): number | undefined {
    const row = prepared(this.db, 'SELECT seq FROM used_drafts WHERE channel = ? AND draft = ?').get(channelId, draft) as { seq: number } | undefined;
    return row?.seq;
  }

  /** Records that a valid message used a draft's approvals (inside the page's transaction). */
  useDraft(channelId: Uint8Array, draft: string, seq: number): void {
    prepared(this.db, 'INSERT INTO used_drafts (channel, draft, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(channelId, draft, seq);
  }

  /**
   * Which of these types the channel's last valid statement among them is (undefined if none):
   * one index probe per type, whatever the length of the channel.
   */
  lastOfTypes(channelId: Uint8Array, types: readonly number[]): number | undefined {
    let best: { seq: number; type: number } | undefined;
    for (const type of types) {
      const row = prepared(this.db, 'SELECT max(seq) AS m FROM statements WHERE channel = ? AND type = ? AND valid = 1').get(channelId, type) as { m: number | null };
      if (row.m !== null && (best === undefined || row.m > best.seq)) best = { seq: row.m, type };
    }
    return best?.type;
  }

  /** The channel's statements of these types, in seq order (valid ones only unless asked; only the `last` n if given). */
  ofTypes(channelId: Uint8Array, types: readonly number[], options: { includeInvalid?: boolean; fromSeq?: number; last?: number } = {}): StoredStatement[] {
    // Every match wanted (no `last`): read them through the kind index. Left to itself SQLite
    // walks the primary key from fromSeq to satisfy the ORDER BY, reading every statement of the
    // channel (10,000 of 1 KB for the board's acks: 40 ms a board). With `last`, that walk stops
    // after the newest few matches, which is what the transcript wants.
    const index = options.last === undefined ? 'INDEXED BY statements_by_kind' : '';
    const rows = prepared(this.db, `SELECT seq, statement, received_at, valid FROM statements ${index} WHERE channel = ? AND type IN (${types.map(() => '?').join(', ')}) AND seq >= ? ${options.includeInvalid ? '' : 'AND valid = 1'} ORDER BY seq DESC LIMIT ?`)
      .all(channelId, ...types, options.fromSeq ?? 0, options.last ?? -1) as StoredRow[];
    return rows.reverse().map(stored);
  }

  /** The channel's last `last` valid messages, summarised for the status board (held in memory, extended by what was archived since). */
  recentMessages(channelId: Uint8Array, last: number): readonly MessageSummary[] {
    return this.recent.last(channelId, last);
  }

  statements(channelId: Uint8Array, fromSeq = 1, limit = 1000): ArchivedStatement[] {
    return (prepared(this.db, 'SELECT seq, log_index, statement, record FROM statements WHERE channel = ? AND seq >= ? ORDER BY seq LIMIT ?').all(channelId, fromSeq, limit) as Record<string, unknown>[]).map((r) => ({
      seq: Number(r['seq']),
      logIndex: Number(r['log_index']),
      statement: new Uint8Array(r['statement'] as Buffer),
      record: new Uint8Array(r['record'] as Buffer),
    }));
  }

  /** True if this exact statement is archived (for duplicate and replay checks). */
  has(statement: Pick<Statement, 'bytes'>): boolean {
    const row = prepared(this.db, 'SELECT statement FROM statements WHERE statement_id = ?').get(statementId(statement)) as { statement: Buffer } | undefined;
    return row !== undefined && bytesEqual(new Uint8Array(row.statement), statement.bytes);
  }

  close(): void {
    this.db.close();
  }
}
