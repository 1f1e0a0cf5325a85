/**
 * Log records (docs/spec/protocol.md §7): the fixed-size entry the relay appends to its
 * transparency log for every sequenced item. 146 bytes, revealing no channel name, member or
 * content to a log reader.
 *
 *   u8 version = 1 | u8 kind | [32] stream tag | u64 seq | [32] item hash | [32] aux
 *   | [32] chain hash | u64 receive time (ms since the epoch)
 *
 *   kind 1 envelope:     stream = channel tag, item = envelope hash, aux = commitment
 *   kind 2 certificate:  stream = party tag, item = certificate hash, aux = device key
 *   kind 3 revocation:   stream = party tag, item = H(revocation), aux = device key
 */
import { Reader, Writer } from './codec.js';
import { fail, type Result } from './errors.js';

export const RECORD_VERSION = 1;
export const RECORD_SIZE = 146;

export const RecordKind = {
  envelope: 1,
  certificate: 2,
  revocation: 3,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface LogRecord {
  readonly kind: RecordKind;
  readonly streamTag: Uint8Array;
  readonly seq: number;
  readonly itemHash: Uint8Array;
  readonly aux: Uint8Array;
  readonly chainHash: Uint8Array;
  readonly receivedAt: number;
}

export function encodeRecord(record: LogRecord): Uint8Array {
  return new Writer()
    .u8(RECORD_VERSION)
    .u8(record.kind)
    .fixed(record.streamTag, 32)
    .u64(record.seq)
    .fixed(record.itemHash, 32)
    .fixed(record.aux, 32)
    .fixed(record.chainHash, 32)
    .u64(record.receivedAt)
    .finish();
}

export function decodeRecord(bytes: Uint8Array): Result<LogRecord> {
  if (bytes.length !== RECORD_SIZE) return fail('malformed_record', `log record is ${bytes.length} bytes, not ${RECORD_SIZE}`);
  const r = new Reader(bytes, 'malformed_record', 'log record');
  const version = r.u8('version');
  if (!r.failed && version !== RECORD_VERSION) return fail('unsupported_version', `log record version ${version} is not supported`);
  const kind = r.u8('kind');
  const streamTag = r.fixed(32, 'stream tag');
  const seq = r.u64('seq');
  const itemHash = r.fixed(32, 'item hash');
  const aux = r.fixed(32, 'aux');
  const chainHash = r.fixed(32, 'chain hash');
  const receivedAt = r.u64('receive time');
  if (kind < RecordKind.envelope || kind > RecordKind.revocation) r.fail(`kind ${kind} is unknown`);
  if (seq < 1) r.fail('seq starts at 1');
  return r.end({ kind: kind as RecordKind, streamTag, seq, itemHash, aux, chainHash, receivedAt });
}
