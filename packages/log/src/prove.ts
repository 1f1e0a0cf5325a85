/**
 * Proof generation from stored hashes, RFC 6962 §2.1.1 (PATH) and §2.1.2 (PROOF/SUBPROOF).
 *
 * Generation is split in two, as in transparency-dev/merkle: first plan which perfect subtrees
 * (NodeIds) each proof element needs — pure arithmetic — then read them all in one batch from a
 * HashReader (memory, a database, or tiles fetched over HTTP) and fold. The batch lets a tile
 * reader fetch every tile a proof needs in parallel.
 */
import { HASH_SIZE, foldRight } from './hash.js';
import { fail, ok, type Result } from './result.js';
import { largestPowerOfTwoBelow, perfectSubtrees, type NodeId } from './tree-math.js';

/** Reads hashes of perfect subtrees. Every requested node lies inside the tree being proven. */
export interface HashReader {
  readNodes(nodes: readonly NodeId[]): Promise<Result<Uint8Array[]>> | Result<Uint8Array[]>;
}

/** One proof hash: the MTH of a range, given by the perfect subtrees that fold into it. */
export type ProofElement = readonly NodeId[];

/** RFC 6962 PATH(m, D[begin:end]) with m absolute; leaf's sibling first, root's child last. */
function pathPlan(m: number, begin: number, end: number, out: ProofElement[]): void {
  if (end - begin <= 1) return;
  const k = largestPowerOfTwoBelow(end - begin);
  if (m < begin + k) {
    pathPlan(m, begin, begin + k, out);
    out.push(perfectSubtrees(begin + k, end));
  } else {
    pathPlan(m, begin + k, end, out);
    out.push(perfectSubtrees(begin, begin + k));
  }
}

/** RFC 6962 SUBPROOF(m, D[begin:end], b) with m relative to begin. */
function subproofPlan(m: number, begin: number, end: number, b: boolean, out: ProofElement[]): void {
  const n = end - begin;
  if (m === n) {
    if (!b) out.push(perfectSubtrees(begin, end));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    subproofPlan(m, begin, begin + k, b, out);
    out.push(perfectSubtrees(begin + k, end));
  } else {
    subproofPlan(m - k, begin + k, end, false, out);
    out.push(perfectSubtrees(begin, begin + k));
  }
}

export function inclusionPlan(index: number, treeSize: number): Result<ProofElement[]> {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return fail('size_out_of_range', `tree size ${treeSize} is not a non-negative safe integer`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) return fail('index_out_of_range', `index ${index} is not below tree size ${treeSize}`);
  const plan: ProofElement[] = [];
  pathPlan(index, 0, treeSize, plan);
  return ok(plan);
}

export function consistencyPlan(size1: number, size2: number): Result<ProofElement[]> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0) return fail('size_out_of_range', `sizes ${size1} and ${size2} must be non-negative safe integers`);
  if (size1 > size2) return fail('size_mismatch', `cannot prove consistency from ${size1} to the smaller size ${size2}`);
  const plan: ProofElement[] = [];
  if (size1 > 0 && size1 < size2) subproofPlan(size1, 0, size2, true, plan);
  return ok(plan);
}

/** Reads a plan's nodes in one batch and folds each element into its proof hash. */
export async function materialise(plan: readonly ProofElement[], reader: HashReader): Promise<Result<Uint8Array[]>> {
  const nodes = plan.flat();
  const read = await reader.readNodes(nodes);
  if (!read.ok) return read;
  if (read.value.length !== nodes.length) return fail('tile_unavailable', `hash reader returned ${read.value.length} hashes for ${nodes.length} nodes`);
  for (const hash of read.value) {
    if (hash.length !== HASH_SIZE) return fail('malformed_tile', `hash reader returned a ${hash.length}-byte hash`);
  }
  const proof: Uint8Array[] = [];
  let at = 0;
  for (const element of plan) {
    proof.push(foldRight(read.value.slice(at, at + element.length)));
    at += element.length;
  }
  return ok(proof);
}

/** The RFC 6962 audit path for the leaf at `index` in the tree of `treeSize`. */
export async function inclusionProof(index: number, treeSize: number, reader: HashReader): Promise<Result<Uint8Array[]>> {
  const plan = inclusionPlan(index, treeSize);
  return plan.ok ? materialise(plan.value, reader) : plan;
}

/** The RFC 6962 consistency proof from `size1` to `size2` (empty when size1 is 0 or equal). */
export async function consistencyProof(size1: number, size2: number, reader: HashReader): Promise<Result<Uint8Array[]>> {
  const plan = consistencyPlan(size1, size2);
  return plan.ok ? materialise(plan.value, reader) : plan;
}

/** MTH of the first `treeSize` leaves, from the perfect subtrees of [0, treeSize). */
export async function rootAt(treeSize: number, reader: HashReader): Promise<Result<Uint8Array>> {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return fail('size_out_of_range', `tree size ${treeSize} is not a non-negative safe integer`);
  const proof = await materialise([perfectSubtrees(0, treeSize)], reader);
  return proof.ok ? ok(proof.value[0]!) : proof;
}
