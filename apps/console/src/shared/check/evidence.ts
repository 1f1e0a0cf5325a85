/**
 * The part of `GET /api/channels/:id/statements/:seq/evidence` (console-api.md §2) the
 * independent check reads: the signed statement, its author, the log record, its leaf hash and
 * inclusion proof, the checkpoint and the witness policy.
 */
export interface CheckEvidence {
  readonly seq: number;
  /** Hex: the signed statement as archived. */
  readonly statement: string;
  readonly author: { readonly deviceKey: string };
  /** Hex: the log record. */
  readonly record: string;
  readonly logIndex: number;
  readonly leafHash: string;
  readonly checkpoint: { readonly size: number; readonly note: string; readonly witnesses: readonly string[] } | null;
  readonly inclusionProof: readonly string[];
  readonly logKey: string;
  readonly policy: string;
}
