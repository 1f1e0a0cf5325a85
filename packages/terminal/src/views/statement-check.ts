/**
 * Re-verifies an archived statement's bytes before the console calls it verified (console-api.md
 * §2, badge `invalid` / `archive_altered`). The archive stores statements after verifying them
 * and reads them back unverified (decodeVerifiedStatement); a byte changed on disk afterwards —
 * corruption, or someone with access to the home — would otherwise be shown with the badge the
 * original earned. So each shown statement is checked again against what binds it: its author's
 * signature, the log record's commitment, stream and seq (protocol.md §7, §13), and the leaf
 * hash this home kept for that log index when it scanned the log (log-hashes.ts).
 */
import { createHash } from 'node:crypto';
import { bytesEqual, leafHash, toHex } from '@hotline/log';
import { channelTag, decodeRecord, openStatement, RecordKind, statementCommitment, type Charter } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { alertsForSeqs, archivedRow, type ArchivedRow } from './console-queries.js';

export const ARCHIVE_ALTERED = 'archive_altered';

export type ArchiveCheck = { ok: true } | { ok: false; code: 'archive_altered'; message: string };

/**
 * Checks the statement archived at `seq` (ok if none is: nothing there to have been altered).
 * On failure stores one `archive_altered` evidence alert for (channel, seq) — the first time
 * only, whatever later calls find — which the change feed carries as an alert event.
 */
export function checkArchived(t: Terminal, charter: Charter, seq: number): ArchiveCheck {
  const row = archivedRow(t, charter.channelId, seq);
  return row === undefined ? { ok: true } : checkArchivedRow(t, charter, row);
}

/**
 * checkArchived for a row the caller already read (the console's transcript reads each once),
 * with the kept leaf hashes if it read them for a whole page (LogHashes.leafHashes).
 */
export function checkArchivedRow(t: Terminal, charter: Charter, row: ArchivedRow, leaves?: ReadonlyMap<number, Uint8Array>): ArchiveCheck {
  const inputs = checkInputs(t, row, leaves);
  const digest = digestOf(row, inputs);
  const passed = passedFor(t);
  if (passed.has(digest)) return { ok: true };
  const fault = faultOf(charter, row, inputs);
  if (fault === undefined) {
    if (passed.size >= MAX_REMEMBERED) passed.clear();
    passed.add(digest);
    return { ok: true };
  }
  const message = `seq ${row.seq} of ${charter.name}: ${fault}; this home's archive was changed after it was verified (disk corruption, or someone with access to the home)`;
  const already = alertsForSeqs(t, charter.channelId, row.seq, row.seq).some((a) => a.code === ARCHIVE_ALTERED);
  if (!already) t.archive.alert(charter.channelId, { code: ARCHIVE_ALTERED, message, seq: row.seq, logIndex: row.logIndex });
  return { ok: false, code: ARCHIVE_ALTERED, message };
}

/**
 * Checks that passed, by a digest of everything they read (the row's bytes, the kept leaf hash,
 * the scanned record): a console redraws the same page again and again, and an Ed25519
 * verification per entry per redraw is most of its cost. Any changed input changes the digest,
 * so a byte altered later is checked, and caught, afresh. Per terminal process, bounded.
 */
const MAX_REMEMBERED = 100_000;
const remembered = new WeakMap<Terminal, Set<string>>();

function passedFor(t: Terminal): Set<string> {
  let set = remembered.get(t);
  if (set === undefined) remembered.set(t, (set = new Set()));
  return set;
}

interface CheckInputs {
  /** The leaf hash this home kept for the row's log index at scan time, if it holds one. */
  readonly keptLeaf: Uint8Array | undefined;
  /** The record the log scan kept at that index, if it kept one. */
  readonly scanned: Uint8Array | undefined;
}

function checkInputs(t: Terminal, row: ArchivedRow, leaves: ReadonlyMap<number, Uint8Array> = t.logHashes.leafHashes([row.logIndex])): CheckInputs {
  return { keptLeaf: leaves.get(row.logIndex), scanned: t.provenRecord(row.logIndex) };
}

function digestOf(row: ArchivedRow, inputs: CheckInputs): string {
  const h = createHash('sha256');
  for (const part of [row.statement, row.record, row.author, inputs.keptLeaf, inputs.scanned]) {
    h.update(String(part?.length ?? -1)).update(':');
    if (part !== undefined) h.update(part);
  }
  return h.update(String(row.seq)).digest('base64');
}

/** The first check the archived row fails, in words, or undefined if it passes them all. */
function faultOf(charter: Charter, row: ArchivedRow, inputs: CheckInputs): string | undefined {
  const opened = openStatement(row.statement);
  if (!opened.ok) return `the archived statement no longer verifies (${opened.error.message})`;
  const statement = opened.value;
  if (!bytesEqual(statement.author, row.author)) return 'the archived statement names another author than the archive recorded';
  if (!bytesEqual(statement.channelId, charter.channelId)) return 'the archived statement names another channel';
  const record = decodeRecord(row.record);
  if (!record.ok) return `the archived log record is unreadable (${record.error.message})`;
  if (record.value.kind !== RecordKind.envelope || !bytesEqual(record.value.streamTag, channelTag(charter.channelId))) return 'the archived log record is not an envelope record of this channel';
  if (record.value.seq !== row.seq) return `the archived log record is for seq ${record.value.seq}`;
  if (!bytesEqual(statementCommitment(statement), record.value.aux)) return 'the archived statement is not the one its log record commits to';
  // The leaf hash kept at scan time is independent of the statements table: a record changed
  // consistently with a changed statement (a new commitment) still fails here.
  if (inputs.keptLeaf !== undefined && !bytesEqual(inputs.keptLeaf, leafHash(row.record))) return `the archived log record's leaf hash differs from the one this home kept for log index ${row.logIndex}`;
  const scanned = inputs.scanned;
  if (scanned !== undefined && !bytesEqual(scanned, row.record)) return `the archived log record differs from the one the log scan kept for log index ${row.logIndex} (${toHex(leafHash(scanned)).slice(0, 16)}…)`;
  return undefined;
}
