/**
 * c2sp.org/tlog-proof@v1: an offline-verifiable receipt that an entry is in a log, observed
 * by witnesses.
 *
 *   c2sp.org/tlog-proof@v1\n
 *   [extra <base64>\n]
 *   index <decimal>\n
 *   <base64 hash>\n ...          (inclusion proof, leaf's sibling first)
 *   \n
 *   <signed checkpoint, verbatim>
 */
import { fromBase64, toBase64 } from './base64.js';
import { parseSafeDecimal } from './bytes.js';
import { parseCheckpoint } from './checkpoint.js';
import { HASH_SIZE } from './hash.js';
import { parseNote } from './note.js';
import { verifyCheckpointWithPolicy, type PolicyCheckpoint } from './policy-verify.js';
import type { Policy } from './policy.js';
import { fail, ok, type Result } from './result.js';
import { verifyInclusion } from './verify.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** 63 hashes cover any tree up to 2^63 leaves; more is malformed. */
const MAX_PROOF_HASHES = 63;

export interface TlogProof {
  /** Unauthenticated application data: never trust it without checking it some other way. */
  readonly extra?: Uint8Array;
  readonly index: number;
  readonly inclusionProof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

export function formatTlogProof(proof: TlogProof): string {
  const extra = proof.extra === undefined ? '' : `extra ${toBase64(proof.extra)}\n`;
  const hashes = proof.inclusionProof.map((h) => `${toBase64(h)}\n`).join('');
  return `${TLOG_PROOF_HEADER}\n${extra}index ${proof.index}\n${hashes}\n${proof.checkpoint}`;
}

export function parseTlogProof(text: string): Result<TlogProof> {
  const bad = (why: string) => fail<TlogProof>('malformed_tlog_proof', `tlog-proof: ${why}`);
  const blank = text.indexOf('\n\n');
  if (blank < 0) return bad('no blank line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (lines[0] !== TLOG_PROOF_HEADER) return bad(`first line must be ${TLOG_PROOF_HEADER}`);
  let at = 1;
  let extra: Uint8Array | undefined;
  if (lines[at]?.startsWith('extra ')) {
    extra = fromBase64(lines[at]!.slice('extra '.length));
    if (extra === undefined) return bad('extra data is not canonical base64');
    at++;
  }
  const indexLine = lines[at] ?? '';
  if (!indexLine.startsWith('index ')) return bad('expected an "index <n>" line');
  const index = parseSafeDecimal(indexLine.slice('index '.length));
  if (typeof index !== 'number') return bad('index must be a decimal number without leading zeros, below 2^53');
  const hashLines = lines.slice(at + 1);
  if (hashLines.length > MAX_PROOF_HASHES) return bad(`inclusion proof has more than ${MAX_PROOF_HASHES} hashes`);
  const inclusionProof: Uint8Array[] = [];
  for (const line of hashLines) {
    const hash = fromBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) return bad(`proof line ${inclusionProof.length + 1} is not the base64 of a 32-byte hash`);
    inclusionProof.push(hash);
  }
  if (checkpoint.length === 0) return bad('checkpoint is missing');
  // Structure only (signatures are checked by verifyTlogProof): a stray blank line in the proof
  // section must read as a malformed receipt, not as a forged checkpoint.
  const note = parseNote(checkpoint);
  if (!note.ok || !parseCheckpoint(note.value.text).ok) return bad('the part after the blank line is not a signed checkpoint');
  return ok({ ...(extra === undefined ? {} : { extra }), index, inclusionProof, checkpoint });
}

export interface VerifiedTlogProof {
  readonly proof: TlogProof;
  readonly checkpoint: PolicyCheckpoint;
}

/**
 * The spec's four steps: the caller computed `leafHash` (step 1); the checkpoint is signed by a
 * log of the policy (2) and cosigned to its quorum (3); the inclusion proof binds the leaf hash
 * to the checkpoint's root (4).
 */
export function verifyTlogProof(text: string, leafHash: Uint8Array, policy: Policy): Result<VerifiedTlogProof> {
  const proof = parseTlogProof(text);
  if (!proof.ok) return proof;
  const checkpoint = verifyCheckpointWithPolicy(proof.value.checkpoint, policy);
  if (!checkpoint.ok) return checkpoint;
  const { size, rootHash } = checkpoint.value.checkpoint;
  const included = verifyInclusion(leafHash, proof.value.index, size, proof.value.inclusionProof, rootHash);
  if (!included.ok) return included;
  return ok({ proof: proof.value, checkpoint: checkpoint.value });
}
