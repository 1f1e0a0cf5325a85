/**
 * The indexed reads the console's transcript needs, kept out of the archive class (which owns
 * writes and their invariants): each one is bounded by a seq range and walks an index
 * (statements by (channel, seq), channel_records by (tag, seq), outbox by (channel, seq)), so a
 * page of the newest 100 of a 10,000-message channel touches about 100 rows, never the channel.
 */
import { channelTag, StatementType } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { prepared } from '../store/terminal-db.js';

/** The raw archived row at a seq: bytes as stored, so a changed byte is seen, not decoded away. */
export interface ArchivedRow {
  readonly seq: number;
  readonly logIndex: number;
  readonly type: number;
  readonly author: Uint8Array;
  readonly statement: Uint8Array;
  readonly record: Uint8Array;
  readonly valid: boolean;
  /** The relay's receive time the archive recorded beside it (ms). */
  readonly receivedAt: number;
}

const ZERO_AUX = Buffer.alloc(32);

/** Seqs of archived statements of these types below `before`, newest first, at most `limit`. */
export function statementSeqs(t: Terminal, channelId: Uint8Array, types: readonly number[], before: number, limit: number): number[] {
  const rows = prepared(t.db, `SELECT seq FROM statements WHERE channel = ? AND seq < ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY seq DESC LIMIT ?`).all(channelId, before, ...types, limit) as { seq: number }[];
  return rows.map((r) => Number(r.seq));
}

export function archivedRow(t: Terminal, channelId: Uint8Array, seq: number): ArchivedRow | undefined {
  const r = prepared(t.db, 'SELECT seq, log_index, type, author, statement, record, valid, received_at FROM statements WHERE channel = ? AND seq = ?').get(channelId, seq) as Record<string, unknown> | undefined;
  if (r === undefined) return undefined;
  return { seq: Number(r['seq']), logIndex: Number(r['log_index']), type: Number(r['type']), author: new Uint8Array(r['author'] as Buffer), statement: new Uint8Array(r['statement'] as Buffer), record: new Uint8Array(r['record'] as Buffer), valid: r['valid'] === 1, receivedAt: Number(r['received_at']) };
}

/**
 * Envelope records the log proved for the channel in [from, before) with no archived statement
 * and a non-zero commitment (a zero one is an MLS handshake, protocol.md §13), newest first.
 * The commitment is the record's aux, bytes 74..106 (protocol.md §7; SQLite's substr is 1-based).
 */
export function unarchivedRecords(t: Terminal, channelId: Uint8Array, from: number, before: number, limit: number): { seq: number; logIndex: number; record: Uint8Array }[] {
  const rows = prepared(t.db, 'SELECT r.seq, r.log_index, r.record FROM channel_records r WHERE r.tag = ? AND r.seq >= ? AND r.seq < ? AND substr(r.record, 75, 32) != ? AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.channel = ? AND s.seq = r.seq) ORDER BY r.seq DESC LIMIT ?')
    .all(channelTag(channelId), from, before, ZERO_AUX, channelId, limit) as { seq: number; log_index: number; record: Buffer }[];
  return rows.map((r) => ({ seq: Number(r.seq), logIndex: Number(r.log_index), record: new Uint8Array(r.record) }));
}

/** This device's own statements the relay receipted in [from, before) that are not archived yet, newest first. */
export function pendingOwn(t: Terminal, channelId: Uint8Array, from: number, before: number): { seq: number; logIndex: number; receiptAt: number; statement: Uint8Array }[] {
  const rows = prepared(t.db, 'SELECT o.seq, o.log_index, o.receipt_at, o.statement FROM outbox o WHERE o.channel = ? AND o.seq >= ? AND o.seq < ? AND o.log_index IS NOT NULL AND o.statement IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.channel = o.channel AND s.seq = o.seq) ORDER BY o.seq DESC')
    .all(channelId, from, before) as { seq: number; log_index: number; receipt_at: number | null; statement: Buffer }[];
  return rows.map((r) => ({ seq: Number(r.seq), logIndex: Number(r.log_index), receiptAt: Number(r.receipt_at ?? 0), statement: new Uint8Array(r.statement) }));
}

/** Alerts stored about seqs [from, to] of the channel, oldest first. */
export function alertsForSeqs(t: Terminal, channelId: Uint8Array, from: number, to: number): { id: number; seq: number; code: string; message: string }[] {
  const rows = prepared(t.db, 'SELECT id, seq, code, message FROM alerts WHERE channel = ? AND seq >= ? AND seq <= ? ORDER BY id').all(channelId, from, to) as { id: number; seq: number; code: string; message: string }[];
  return rows.map((r) => ({ id: Number(r.id), seq: Number(r.seq), code: r.code, message: r.message }));
}

/**
 * The valid statements from `fromSeq` on that may refer to one of the messages `ids`, in seq
 * order, as stored bytes: replies and closes whose parent is one of them and acks naming one
 * (matched in SQL on the statement's fixed layout, protocol.md §13: has-parent at byte 98, the
 * parent at 99..131, an ack's message id at 103..135 after the body's u32 length), and every
 * edit and receipt (an edit may target an earlier edit; a receipt lists up to 1,024 ids). The
 * caller decodes each and checks the reference itself: the byte match only narrows the rows
 * read, so a scroll back through a long channel does not decode every message after the page.
 */
export function referringStatements(t: Terminal, channelId: Uint8Array, ids: readonly Uint8Array[], fromSeq: number): { seq: number; statement: Uint8Array }[] {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(', ');
  const base = 'SELECT seq, statement FROM statements WHERE channel = ? AND type = ? AND valid = 1 AND seq >= ?';
  const rows = [
    ...prepared(t.db, `${base} AND substr(statement, 99, 1) = x'01' AND substr(statement, 100, 32) IN (${marks})`).all(channelId, StatementType.message, fromSeq, ...ids),
    ...prepared(t.db, `${base} AND substr(statement, 99, 1) = x'01' AND substr(statement, 100, 32) IN (${marks})`).all(channelId, StatementType.closeThread, fromSeq, ...ids),
    ...prepared(t.db, `${base} AND substr(statement, 99, 1) = x'00' AND substr(statement, 104, 32) IN (${marks})`).all(channelId, StatementType.ack, fromSeq, ...ids),
    ...prepared(t.db, base).all(channelId, StatementType.edit, fromSeq),
    ...prepared(t.db, base).all(channelId, StatementType.receipt, fromSeq),
  ] as { seq: number; statement: Buffer }[];
  return rows.map((r) => ({ seq: Number(r.seq), statement: new Uint8Array(r.statement.buffer, r.statement.byteOffset, r.statement.byteLength) })).sort((a, b) => a.seq - b.seq);
}

/** This device's valid archived statements of a type from `fromSeq` on (its own receipts, to not send one twice). */
export function ownStatementsFrom(t: Terminal, channelId: Uint8Array, type: number, fromSeq: number): Uint8Array[] {
  const rows = prepared(t.db, 'SELECT statement FROM statements WHERE channel = ? AND type = ? AND author = ? AND seq >= ? AND valid = 1').all(channelId, type, t.deviceKey, fromSeq) as { statement: Buffer }[];
  return rows.map((r) => new Uint8Array(r.statement));
}

/** This device's statements for the channel still in the outbox and not archived: unsent, or receipted at `fromSeq` or later. */
export function ownUnarchived(t: Terminal, channelId: Uint8Array, fromSeq: number): Uint8Array[] {
  const rows = prepared(t.db, 'SELECT o.statement FROM outbox o WHERE o.channel = ? AND o.statement IS NOT NULL AND (o.seq IS NULL OR (o.seq >= ? AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.channel = o.channel AND s.seq = o.seq)))').all(channelId, fromSeq) as { statement: Buffer }[];
  return rows.map((r) => new Uint8Array(r.statement));
}
