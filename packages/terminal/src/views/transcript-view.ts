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
  readonly type: string;
  readonly time: number;
  readonly author: string;
  readonly precedence?: string;
  readonly text: string;
  /** False if it broke a hotline rule (an alert says which). */
  readonly valid: boolean;
  readonly evidence: StatementEvidence;
}

/** Cosigners named in a signed checkpoint: every signature line but the log's own. */
function witnessesOf(note: string): string[] {
  const [body, signatures = ''] = note.split('\n\n');
  const origin = body?.split('\n')[0];
  return signatures.split('\n').filter((l) => l.startsWith('— ')).map((l) => l.slice(2).split(' ')[0]!).filter((name) => name !== origin);
}

/** One archived statement of the channel as a transcript entry; undefined if seq holds none. */
export function transcriptEntry(t: Terminal, charter: Charter, seq: number): TranscriptEntry | undefined {
  const stored = t.archive.at(charter.channelId, seq);
  if (stored === undefined) return undefined;
  const line = describeStatement(t, stored.seq, stored.statement, stored.valid);
  const covering = t.archive.checkpointCovering(stored.logIndex);
  const device = t.directory.entry(stored.statement.author);
  return {
    seq: line.seq,
    id: toHex(statementId(stored.statement)),
    type: line.type,
    time: line.time,
    author: line.author,
    ...(line.precedence === undefined ? {} : { precedence: line.precedence }),
    text: line.text,
    valid: line.valid,
    evidence: {
      logIndex: stored.logIndex,
      receivedAt: stored.receivedAt,
      checkpoint: covering === undefined ? null : { size: covering.size, witnesses: witnessesOf(covering.note) },
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
