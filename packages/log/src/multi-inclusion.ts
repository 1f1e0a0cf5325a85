/**
 * A batched inclusion proof of several leaves against one root (record.md, "The batched
 * inclusion proof"). A record bundle proves thousands of leaves of one tree; single RFC 6962
 * audit paths would repeat the hashes near the root for every leaf, whereas this proof carries
 * each needed subtree hash once: the hashes of the maximal subtrees that contain no proven leaf,
 * in the left-to-right order of the RFC 6962 recursion.
 *
 *   node(D[begin:end]):  no leaf of S inside → emit MTH(D[begin:end]) (one proof hash)
 *                        a single leaf (of S) → its leaf hash, supplied by the verifier
 *                        otherwise            → k = largest power of 2 < end − begin;
 *                                               node(D[begin:begin+k]), then node(D[begin+k:end])
 *
 * Generation is planned (pure arithmetic) and then read in one batch from a HashReader, like
 * the single proofs in prove.ts.
 */
import { bytesEqual } from './bytes.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import { materialise, type HashReader, type ProofElement } from './prove.js';
import { fail, ok, type Result } from './result.js';
import { largestPowerOfTwoBelow, perfectSubtrees } from './tree-math.js';

/** A leaf to prove: its index in the tree and its RFC 6962 leaf hash. */
export interface IndexedLeaf {
  readonly index: number;
  readonly hash: Uint8Array;
}

/** Indexes must be non-empty, strictly increasing (sorted, no duplicates) and below the size. */
function checkIndexes(indexes: readonly number[], treeSize: number): Result<true> {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return fail('size_out_of_range', `tree size ${treeSize} is not a non-negative safe integer`);
  if (indexes.length === 0) return fail('malformed_leaf_set', 'a batched inclusion proof needs at least one leaf');
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    if (!Number.isSafeInteger(index) || index < 0) return fail('index_out_of_range', `leaf index ${index} is not a non-negative safe integer`);
    if (i > 0 && index <= indexes[i - 1]!) return fail('malformed_leaf_set', `leaf indexes must be strictly increasing: ${index} follows ${indexes[i - 1]}`);
  }
  const last = indexes[indexes.length - 1]!;
  if (last >= treeSize) return fail('index_out_of_range', `index ${last} is not below tree size ${treeSize}`);
  return ok(true);
}

/** The first position in indexes[lo, hi) whose index is ≥ bound (indexes increasing). */
function lowerBound(indexOf: (i: number) => number, lo: number, hi: number, bound: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (indexOf(mid) < bound) a = mid + 1;
    else b = mid;
  }
  return a;
}

function planRange(indexes: readonly number[], lo: number, hi: number, begin: number, end: number, out: ProofElement[]): void {
  if (lo === hi) {
    out.push(perfectSubtrees(begin, end));
    return;
  }
  if (end - begin === 1) return;
  const split = begin + largestPowerOfTwoBelow(end - begin);
  const mid = lowerBound((i) => indexes[i]!, lo, hi, split);
  planRange(indexes, lo, mid, begin, split, out);
  planRange(indexes, mid, hi, split, end, out);
}

/** Which subtree hashes the batched proof of `indexes` in a tree of `treeSize` consists of. */
export function multiInclusionPlan(indexes: readonly number[], treeSize: number): Result<ProofElement[]> {
  const check = checkIndexes(indexes, treeSize);
  if (!check.ok) return check;
  const plan: ProofElement[] = [];
  planRange(indexes, 0, indexes.length, 0, treeSize, plan);
  return ok(plan);
}

/** The batched inclusion proof of the leaves at `indexes` (strictly increasing) in the tree of `treeSize`. */
export async function multiInclusionProof(indexes: readonly number[], treeSize: number, reader: HashReader): Promise<Result<Uint8Array[]>> {
  const plan = multiInclusionPlan(indexes, treeSize);
  return plan.ok ? materialise(plan.value, reader) : plan;
}

/** Recomputes the root that `proof` implies for `leaves` (strictly increasing indexes) in a tree of `treeSize`. */
export function rootFromMultiInclusion(leaves: readonly IndexedLeaf[], treeSize: number, proof: readonly Uint8Array[]): Result<Uint8Array> {
  const check = checkIndexes(
    leaves.map((leaf) => leaf.index),
    treeSize,
  );
  if (!check.ok) return check;
  for (let i = 0; i < leaves.length; i++) {
    if (leaves[i]!.hash.length !== HASH_SIZE) return fail('malformed_proof', `leaf hash ${i} is ${leaves[i]!.hash.length} bytes, not ${HASH_SIZE}`);
  }
  for (let i = 0; i < proof.length; i++) {
    if (proof[i]!.length !== HASH_SIZE) return fail('malformed_proof', `proof hash ${i} is ${proof[i]!.length} bytes, not ${HASH_SIZE}`);
  }
  let cursor = 0;
  const indexOf = (i: number) => leaves[i]!.index;
  // Returns undefined when the proof runs out; depth is the tree's height, at most 53.
  const fold = (lo: number, hi: number, begin: number, end: number): Uint8Array | undefined => {
    if (lo === hi) return proof[cursor++];
    if (end - begin === 1) return leaves[lo]!.hash;
    const split = begin + largestPowerOfTwoBelow(end - begin);
    const mid = lowerBound(indexOf, lo, hi, split);
    const left = fold(lo, mid, begin, split);
    if (left === undefined) return undefined;
    const right = fold(mid, hi, split, end);
    return right === undefined ? undefined : nodeHash(left, right);
  };
  const root = fold(0, leaves.length, 0, treeSize);
  if (root === undefined) return fail('wrong_proof_length', `batched inclusion proof has ${proof.length} hashes, fewer than ${leaves.length} leaves in a tree of ${treeSize} need`);
  if (cursor !== proof.length) return fail('wrong_proof_length', `batched inclusion proof has ${proof.length} hashes, ${proof.length - cursor} more than ${leaves.length} leaves in a tree of ${treeSize} need`);
  return ok(root);
}

/** Verifies that every leaf of `leaves` is at its index in the tree of `treeSize` whose root is `root`. */
export function verifyMultiInclusion(leaves: readonly IndexedLeaf[], treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): Result<true> {
  if (root.length !== HASH_SIZE) return fail('malformed_proof', `root is ${root.length} bytes, not ${HASH_SIZE}`);
  const computed = rootFromMultiInclusion(leaves, treeSize, proof);
  if (!computed.ok) return computed;
  if (!bytesEqual(computed.value, root)) return fail('root_mismatch', `batched inclusion proof of ${leaves.length} leaves does not lead to the expected root of tree size ${treeSize}`);
  return ok(true);
}
