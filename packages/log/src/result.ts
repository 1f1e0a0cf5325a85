/**
 * Results for untrusted input. Parsers and verifiers in this package never throw on bad bytes
 * from the network, a file or a peer: they return `{ ok: false, error }` with a stable `code`
 * that callers can switch on and tests can assert. Exceptions are kept for programmer errors
 * (a wrong argument type, a signing key of the wrong length).
 */

/** Every code this package returns. Stable: add new ones, never rename. */
export type LogErrorCode =
  // encodings
  | 'malformed_base64'
  | 'malformed_utf8'
  // signed notes (c2sp.org/signed-note)
  | 'malformed_note'
  | 'note_too_large'
  | 'too_many_signatures'
  | 'bad_signature'
  | 'no_verified_signature'
  // verifier keys
  | 'malformed_vkey'
  | 'unsupported_key_type'
  | 'vkey_id_mismatch'
  // checkpoints and cosignatures
  | 'malformed_checkpoint'
  | 'size_out_of_range'
  | 'origin_mismatch'
  | 'no_log_signature'
  | 'bad_cosignature'
  | 'malformed_cosignature'
  | 'no_cosignature'
  | 'quorum_not_met'
  // Merkle proofs (RFC 6962 / RFC 9162)
  | 'malformed_proof'
  | 'index_out_of_range'
  | 'wrong_proof_length'
  | 'root_mismatch'
  | 'size_mismatch'
  | 'malformed_leaf_set'
  // tiles (c2sp.org/tlog-tiles)
  | 'malformed_tile_path'
  | 'malformed_tile'
  | 'malformed_entry_bundle'
  | 'tile_unavailable'
  // tlog-proof and tlog-policy
  | 'malformed_tlog_proof'
  | 'malformed_policy';

export interface LogError<C extends string = LogErrorCode> {
  readonly code: C;
  /** Human-readable, names what is wrong; never contains key material. */
  readonly message: string;
}

/** Other packages reuse this shape with their own code unions (`Result<T, ProtocolErrorCode>`). */
export type Result<T, C extends string = LogErrorCode> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: LogError<C> };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail<T = never, C extends string = LogErrorCode>(code: C, message: string): Result<T, C> {
  return { ok: false, error: { code, message } };
}

/**
 * Unwraps a result where failure would be a bug (e.g. parsing text this program just wrote).
 * Never use it on untrusted input.
 */
export function expectOk<T, C extends string>(result: Result<T, C>): T {
  if (!result.ok) throw new Error(`unexpected ${result.error.code}: ${result.error.message}`);
  return result.value;
}
