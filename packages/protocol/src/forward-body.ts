/**
 * The body of a forward statement (type 11, docs/spec/protocol.md §13.1): a statement of another
 * channel quoted with everything a receiver needs to check it came from there, without the
 * relay or the source channel's MLS group:
 *
 *   bytes32 original statement (the whole signed statement; its salt is inside it)
 *   | [146] its log record (§7) | bytes16 c2sp.org/tlog-proof@v1 text (UTF-8; its index line is
 *   the record's log index) | bytes16 source charter (the whole signed charter, §15)
 *   | bytes16 comment (UTF-8 text of the forwarder, may be empty)
 *
 * Only the layout is checked here; verify-forward (packages/verify) decides whether it proves
 * anything.
 */
import { Reader, Writer } from './codec.js';
import type { Result } from './errors.js';
import { RECORD_SIZE } from './log-record.js';
import { MAX_STATEMENT_BODY } from './statement.js';

export const MAX_FORWARD_PROOF_BYTES = 8 * 1024;
export const MAX_FORWARD_CHARTER_BYTES = 16 * 1024;
export const MAX_FORWARD_COMMENT_BYTES = 4 * 1024;

export interface ForwardBody {
  readonly original: Uint8Array;
  readonly record: Uint8Array;
  /** The tlog-proof as its exact UTF-8 bytes. */
  readonly proof: Uint8Array;
  readonly charter: Uint8Array;
  readonly comment: string;
}

/** Throws RangeError if the parts do not fit a statement body (an original too large to forward). */
export function encodeForwardBody(body: ForwardBody): Uint8Array {
  if (body.record.length !== RECORD_SIZE) throw new RangeError(`a log record is ${RECORD_SIZE} bytes`);
  if (body.proof.length > MAX_FORWARD_PROOF_BYTES) throw new RangeError(`the tlog-proof is more than ${MAX_FORWARD_PROOF_BYTES} bytes`);
  if (body.charter.length > MAX_FORWARD_CHARTER_BYTES) throw new RangeError(`the charter is more than ${MAX_FORWARD_CHARTER_BYTES} bytes`);
  const comment = new TextEncoder().encode(body.comment);
  if (comment.length > MAX_FORWARD_COMMENT_BYTES) throw new RangeError(`the comment is more than ${MAX_FORWARD_COMMENT_BYTES} bytes`);
  const bytes = new Writer().bytes32(body.original).fixed(body.record, RECORD_SIZE).bytes16(body.proof).bytes16(body.charter).bytes16(comment).finish();
  if (bytes.length > MAX_STATEMENT_BODY) throw new RangeError(`the forward body would be ${bytes.length} bytes, more than a statement body's ${MAX_STATEMENT_BODY}: the original is too large to forward`);
  return bytes;
}

export function decodeForwardBody(bytes: Uint8Array): Result<ForwardBody> {
  const r = new Reader(bytes, 'malformed_statement', 'forward body');
  const original = r.bytes32('original statement', MAX_STATEMENT_BODY);
  const record = r.fixed(RECORD_SIZE, 'log record');
  const proof = r.bytes16('tlog-proof', MAX_FORWARD_PROOF_BYTES);
  const charter = r.bytes16('source charter', MAX_FORWARD_CHARTER_BYTES);
  const rawComment = r.bytes16('comment', MAX_FORWARD_COMMENT_BYTES);
  let comment = '';
  try {
    comment = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(rawComment);
  } catch {
    r.fail('comment is not valid UTF-8');
  }
  return r.end({ original, record, proof, charter, comment });
}
