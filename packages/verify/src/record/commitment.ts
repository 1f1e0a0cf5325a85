/**
 * A revealed statement's commitment, H(hotline/v1/commitment, salt ‖ statement) (protocol.md
 * §13), from its bytes alone: the salt is the 32 bytes before the 64-byte signature, so the
 * record can be rebuilt before the statement is decoded (which is step 7, after the proofs).
 */
import { statementCommitment } from '@hotline/protocol';
import { STATEMENT_TAIL } from './bundle-json.js';

export function labelledCommitment(statement: Uint8Array): Uint8Array {
  const salt = statement.subarray(statement.length - STATEMENT_TAIL, statement.length - 64);
  return statementCommitment({ salt, bytes: statement });
}
