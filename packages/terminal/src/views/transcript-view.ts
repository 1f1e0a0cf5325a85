/**
 * A channel's transcript as typed data (issue 11 item 2): each statement with its verification
 * state and the evidence behind it — its log index and receive time, the checkpoint that proved
 * it and the witnesses that cosigned that checkpoint, the author's verified device. The CLI
 * renders it as lines, the console as rows; neither parses display strings.
 */
import { toHex } from '@hotline/log';
import { statementId, StatementType, type Charter } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import type { StoredStatement } from '../archive/archive.js';
import { describeStatement, ROUTINE_TYPES } from '../channel/transcript.js';
import { cosigners } from './cosigners.js';

export interface StatementEvidence {
  readonly logIndex: number;
  /** The relay's receive time from the log record (ms). */
  readonly receivedAt: number;
  /** Size of the smallest verified checkpoint covering it, and the witnesses that cosigned it. */
  readonly checkpoint: { readonly size: number; readonly witnesses: readonly string[] } | null;
  /** The author's device as the verified directory knows it. */
  readonly author: { readonly party: string; readonly member: string; readonly roles: readonly string[]; readonly deviceKey: string } | null;
}

export interface TranscriptEntry {
  readonly seq: number;
  /** The statement id, whole (64 hex). */
  readonly id: string;
  /** The statement type's name (message, ack, receipt, heartbeat, …). */
  readonly type: string;
  /** The time the author's statement claims (ms); the relay's receive time is in the evidence. */
  readonly time: number;
  /** "party / member" of a verified device, else "device <key prefix>…" (the evidence has the device as data). */
  readonly author: string;
  /** FLASH, IMMEDIATE, PRIORITY or ROUTINE for messages and drafts; null otherwise. */
  readonly precedence: string | null;
  /** The statement as the transcript reads: a message's text (control characters escaped), what an ack or receipt refers to. */
  readonly text: string;
  /** False if it broke a hotline rule (an alert says which). */
  readonly valid: boolean;
  readonly evidence: StatementEvidence;
}

/** One archived statement of the channel as a transcript entry; undefined if seq holds none. */
export function transcriptEntry(t: Terminal, charter: Charter, seq: number): TranscriptEntry | undefined {
  const stored = t.archive.at(charter.channelId, seq);
  return stored === undefined ? undefined : entryOf(t, stored);
}

/**
 * The channel's archived statements from `fromSeq` as entries, oldest first: the first `limit`
 * of them, or with `last` the last n. Receipts and heartbeats only with `all`; statements that
 * broke a rule always (marked).
 */
export function transcriptView(t: Terminal, charter: Charter, options: { fromSeq?: number; limit?: number; last?: number; all?: boolean } = {}): TranscriptEntry[] {
  const types = Object.values(StatementType).filter((type) => options.all === true || shownByDefault(type));
  return t.archive
    .ofTypes(charter.channelId, types, { includeInvalid: true, fromSeq: options.fromSeq ?? 1, ...(options.last === undefined ? {} : { last: options.last }) })
    .slice(0, options.limit ?? 1000)
    .flatMap((s) => {
      const stored = t.archive.at(charter.channelId, s.seq); // with its log index, the evidence's anchor
      return stored === undefined ? [] : [entryOf(t, stored)];
    });
}

/** One archived statement (as `archive.at` returns it) as a transcript entry. */
export function entryOf(t: Terminal, stored: StoredStatement & { logIndex: number }): TranscriptEntry {
  const line = describeStatement(t, stored.seq, stored.statement, stored.valid);
  const covering = t.archive.checkpointCovering(stored.logIndex);
  const device = t.directory.entry(stored.statement.author);
  return {
    seq: line.seq,
    id: toHex(statementId(stored.statement)),
    type: line.type,
    time: line.time,
    author: line.author,
    precedence: line.precedence ?? null,
    text: line.text,
    valid: line.valid,
    evidence: {
      logIndex: stored.logIndex,
      receivedAt: stored.receivedAt,
      checkpoint: covering === undefined ? null : { size: covering.size, witnesses: cosigners(covering.note) },
      author: device === undefined ? null : { party: device.party, member: device.member, roles: device.roles, deviceKey: toHex(device.deviceKey) },
    },
  };
}

/** True if watch and the transcript show this type by default (receipts and heartbeats only when asked). */
export function shownByDefault(type: number): boolean {
  return !ROUTINE_TYPES.has(type);
}

/** The statement id to send a read receipt for, if showing this statement to a person calls for one (a valid message from another party). */
export function wantsReadReceipt(t: Terminal, stored: StoredStatement): Uint8Array | undefined {
  if (!stored.valid || stored.statement.type !== StatementType.message) return undefined;
  if (t.directory.device(stored.statement.author, t.now())?.party === t.certificate.party) return undefined;
  return statementId(stored.statement);
}
