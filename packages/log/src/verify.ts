/**
 * Proof verification, RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), which are the
 * verification algorithms for RFC 6962 trees. Written with division rather than bit shifts so
 * tree sizes up to 2^53 work (JavaScript bit operators are 32-bit).
 */
import { bytesEqual } from './bytes.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import { isPowerOfTwo } from './tree-math.js';
import { fail, ok, type Result } from './result.js';

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function checkHashes(what: string, hashes: readonly Uint8Array[]): Result<true> {
  for (let i = 0; i < hashes.length; i++) {
    if (hashes[i]!.length !== HASH_SIZE) return fail('malformed_proof', `${what} hash ${i} is ${hashes[i]!.length} bytes, not ${HASH_SIZE}`);
  }
  return ok(true);
}

function checkSize(what: string, n: number): Result<true> {
  if (!Number.isSafeInteger(n) || n < 0) return fail('size_out_of_range', `${what} must be a non-negative safe integer, got ${n}`);
  return ok(true);
}

/** Recomputes the root that `proof` implies for `leafHash` at `index` in a tree of `treeSize`. */
export function rootFromInclusionProof(leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[]): Result<Uint8Array> {
  for (const check of [checkSize('index', index), checkSize('tree size', treeSize), checkHashes('leaf', [leafHash]), checkHashes('proof', proof)]) {
    if (!check.ok) return check;
  }
  if (index >= treeSize) return fail('index_out_of_range', `index ${index} is not below tree size ${treeSize}`);
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return fail('wrong_proof_length', `inclusion proof has ${proof.length} hashes, more than a tree of ${treeSize} needs`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('wrong_proof_length', `inclusion proof has ${proof.length} hashes, fewer than a tree of ${treeSize} needs`);
  return ok(r);
}

/** Verifies that the leaf with `leafHash` is at `index` of the tree of `treeSize` whose root is `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Result<true> {
  const computed = rootFromInclusionProof(leafHash, index, treeSize, proof);
  if (!computed.ok) return computed;
  if (!bytesEqual(computed.value, root)) return fail('root_mismatch', `inclusion proof for index ${index} does not lead to the expected root of tree size ${treeSize}`);
  return ok(true);
}

/** Verifies that the tree of `size2` with `root2` extends the tree of `size1` with `root1`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Result<true> {
  for (const check of [checkSize('size1', size1), checkSize('size2', size2), checkHashes('root', [root1, root2]), checkHashes('proof', proof)]) {
    if (!check.ok) return check;
  }
  if (size2 < size1) return fail('size_mismatch', `tree size ${size2} is smaller than earlier size ${size1}: a log never shrinks`);
  if (size1 === size2) {
    if (proof.length !== 0) return fail('wrong_proof_length', 'a consistency proof between equal sizes must be empty');
    if (!bytesEqual(root1, root2)) return fail('root_mismatch', `two different roots for the same tree size ${size1}`);
    return ok(true);
  }
  if (size1 === 0) {
    // Every tree extends the empty tree; RFC 9162 defines no proof for it.
    if (proof.length !== 0) return fail('wrong_proof_length', 'a consistency proof from the empty tree must be empty');
    return ok(true);
  }
  if (proof.length === 0) return fail('wrong_proof_length', `consistency proof from ${size1} to ${size2} is empty`);
  return checkConsistencyPath(size1, size2, proof, root1, root2);
}

// RFC 9162 §2.1.4.2 steps 1–7, for 0 < size1 < size2 and a non-empty proof.
function checkConsistencyPath(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): Result<true> {
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return fail('wrong_proof_length', `consistency proof from ${size1} to ${size2} has too many hashes`);
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('wrong_proof_length', `consistency proof from ${size1} to ${size2} has too few hashes`);
  if (!bytesEqual(fr, root1)) return fail('root_mismatch', `consistency proof does not lead to the root of tree size ${size1}`);
  if (!bytesEqual(sr, root2)) return fail('root_mismatch', `consistency proof does not lead to the root of tree size ${size2}`);
  return ok(true);
}
