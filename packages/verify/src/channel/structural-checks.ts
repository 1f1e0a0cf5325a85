/**
 * The structural checks of one channel envelope and its log record, and of the statement it
 * carries (DESIGN.md §5), as pure functions: the terminal's ChannelVerifier runs them as it
 * syncs, and a record-bundle verifier can run the same ones over a bundle's columns. Each
 * failure is an `EnvelopeFault` naming the alert code; MLS decryption and inclusion proofs are
 * not here (the callers inject them: they need state a browser or a bundle may not have).
 */
import { bytesEqual, toHex } from '@hotline/log';
import {
  decodeEnvelope,
  decodeRecord,
  envelopeHash,
  nextChain,
  openStatement,
  RecordKind,
  statementCommitment,
  type Envelope,
  type LogRecord,
  type Statement,
} from '@hotline/protocol';
import type { ChannelPosition } from './channel-position.js';
import type { EnvelopeAlertCode } from './envelope-alerts.js';

export interface EnvelopeFault {
  readonly code: EnvelopeAlertCode;
  readonly message: string;
  /** The record's seq, once the record decoded. */
  readonly seq?: number;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: EnvelopeFault };

function fault(code: EnvelopeAlertCode, message: string, seq?: number): { ok: false; fault: EnvelopeFault } {
  return { ok: false, fault: { code, message, ...(seq === undefined ? {} : { seq }) } };
}

/**
 * The record is an envelope record of this channel (stream tag = channelTag(channelId)), the
 * envelope decodes and names this channel, the record's item hash is the envelope's hash, and
 * its aux is the envelope's commitment.
 */
export function matchRecordToEnvelope(recordBytes: Uint8Array, envelopeBytes: Uint8Array, channelId: Uint8Array, tag: Uint8Array): Checked<{ record: LogRecord; envelope: Envelope }> {
  const record = decodeRecord(recordBytes);
  if (!record.ok) return fault('malformed_delivery', record.error.message);
  const r = record.value;
  if (r.kind !== RecordKind.envelope || !bytesEqual(r.streamTag, tag)) return fault('record_mismatch', 'the log record is not an envelope of this channel', r.seq);
  const envelope = decodeEnvelope(envelopeBytes);
  if (!envelope.ok) return fault('malformed_delivery', envelope.error.message, r.seq);
  if (!bytesEqual(envelope.value.channelId, channelId)) return fault('record_mismatch', 'the envelope belongs to another channel', r.seq);
  if (!bytesEqual(r.itemHash, envelopeHash(envelopeBytes))) return fault('envelope_mismatch', `envelope ${r.seq} is not the one the log recorded`, r.seq);
  if (!bytesEqual(r.aux, envelope.value.commitment)) return fault('commitment_mismatch', `envelope ${r.seq} carries another commitment than its log record`, r.seq);
  return { ok: true, value: { record: r, envelope: envelope.value } };
}

/**
 * The record is the next one of the history at `position`: its seq is nextSeq (lower: a replay;
 * higher: a gap), its chain hash extends the position's, and its receive time does not go back
 * (deadlines and liveness run on these times: the relay may not date a record before the one it
 * follows).
 */
export function checkNextRecord(position: ChannelPosition, r: LogRecord): EnvelopeFault | undefined {
  if (r.seq < position.nextSeq) return { code: 'replayed', message: `seq ${r.seq} was already accepted (expecting ${position.nextSeq})`, seq: r.seq };
  if (r.seq > position.nextSeq) return { code: 'gap', message: `seq ${position.nextSeq}–${r.seq - 1} withheld: the relay skipped them`, seq: r.seq };
  if (!bytesEqual(nextChain(position.chain, r.itemHash), r.chainHash)) return { code: 'chain_mismatch', message: `seq ${r.seq} does not extend the channel history`, seq: r.seq };
  if (r.receivedAt < (position.receivedAt ?? 0)) return { code: 'bad_receive_time', message: `seq ${r.seq} is dated ${r.receivedAt}, before seq ${r.seq - 1} (${position.receivedAt})`, seq: r.seq };
  return undefined;
}

/**
 * A record under a checkpoint cannot honestly be dated after the witnesses cosigned it:
 * `latest` is their newest cosignature time plus clock skew (ms), undefined when none cosigns.
 * Only meaningful once the record is proven under that checkpoint.
 */
export function checkReceiveTimeBound(r: LogRecord, latest: number | undefined): EnvelopeFault | undefined {
  if (latest !== undefined && r.receivedAt > latest) return { code: 'bad_receive_time', message: `seq ${r.seq} is dated ${r.receivedAt}, after the witnesses cosigned the log holding it (${latest})`, seq: r.seq };
  return undefined;
}

/** The position after accepting record `r`. */
export function positionAfter(r: LogRecord): ChannelPosition {
  return { nextSeq: r.seq + 1, chain: r.chainHash, receivedAt: r.receivedAt };
}

/**
 * The plaintext is a statement signed by its author device, naming this channel, by a device
 * `isMemberDevice` admits, whose commitment (H(salt ‖ statement), protocol.md §13) is the one
 * the log recorded.
 */
export function checkStatement(plaintext: Uint8Array, seq: number, channelId: Uint8Array, commitment: Uint8Array, isMemberDevice: (deviceKey: Uint8Array) => boolean): Checked<Statement> {
  const statement = openStatement(plaintext);
  if (!statement.ok) return fault('bad_statement', statement.error.message, seq);
  if (!bytesEqual(statement.value.channelId, channelId)) return fault('wrong_channel', 'the statement names another channel', seq);
  if (!isMemberDevice(statement.value.author)) return fault('unknown_author', `author device ${toHex(statement.value.author).slice(0, 16)}… is not a verified member of this channel`, seq);
  if (!bytesEqual(statementCommitment(statement.value), commitment)) return fault('commitment_mismatch', `statement in envelope ${seq} does not match the commitment the log recorded`, seq);
  return { ok: true, value: statement.value };
}
