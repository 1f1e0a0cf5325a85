/** Stable error codes for protocol objects read from untrusted bytes. Add, never rename. */
import type { Result as LogResult } from '@hotline/log';

export type ProtocolErrorCode =
  | 'malformed_encoding'
  | 'unsupported_version'
  | 'malformed_certificate'
  | 'malformed_revocation'
  | 'malformed_envelope'
  | 'malformed_record'
  | 'malformed_membership'
  | 'malformed_login'
  | 'malformed_statement'
  | 'malformed_charter'
  | 'unsigned_charter'
  | 'malformed_invitation'
  | 'malformed_mls_framing'
  | 'bad_signature'
  | 'unknown_party'
  | 'certificate_not_yet_valid'
  | 'certificate_expired'
  | 'too_large';

export type Result<T> = LogResult<T, ProtocolErrorCode>;

export function fail<T = never>(code: ProtocolErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
