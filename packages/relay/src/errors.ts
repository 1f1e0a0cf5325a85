/**
 * Errors the relay answers with. Every rejection names what is wrong with a stable code; the
 * HTTP layer maps them to status codes, the WebSocket layer to ERROR frames.
 */
import { RelayErrorCode } from './client/error-codes.js';
import type { EpochRefusal } from './storage/records.js';

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 429 and 503: when the client may try again. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new RelayError(400, code, message);
export const unauthorized = (message: string) => new RelayError(401, 'unauthorized', message);
export const forbidden = (code: string, message: string) => new RelayError(403, code, message);
export const notFound = (code: string, message: string) => new RelayError(404, code, message);
export const conflict = (code: string, message: string) => new RelayError(409, code, message);
export const tooLarge = (message: string) => new RelayError(413, 'too_large', message);
export const tooMany = (message: string, retryAfter: number) => new RelayError(429, 'rate_limited', message, retryAfter);
/**
 * Why a relay refuses to start over the data it found. Thrown by `startRelay`; an operator must
 * act (restore the database, or start a new log), so it is not retried.
 */
export class RelayStartError extends Error {
  override readonly name = 'RelayStartError';
  constructor(
    /** log_truncated: fewer records than the own checkpoint covers; log_key_mismatch: the stored checkpoint is another key's. */
    readonly code: 'log_truncated' | 'log_key_mismatch',
    message: string,
    /** Records in the log, and the tree size the relay's own latest checkpoint signed. */
    readonly sizes: { readonly logSize: number; readonly checkpointSize: number },
  ) {
    super(message);
  }
}

/** 409 epoch_committed: see RelayErrorCode.epochCommitted. */
export function epochCommitted(refusal: EpochRefusal): RelayError {
  return conflict(
    RelayErrorCode.epochCommitted,
    `epoch ${refusal.epoch} of this channel already has a commit (seq ${refusal.committedSeq}); the channel is at epoch ${refusal.streamEpoch}: one commit per epoch, nothing stored`,
  );
}
export const overloaded = (message: string, retryAfter = 1) => new RelayError(503, 'overloaded', message, retryAfter);
