/**
 * RFC 6962 §2.1 Merkle Tree Hash (as restated in RFC 9162 §2.1.1) over SHA-256.
 * Leaves and interior nodes are domain-separated by a 0x00 / 0x01 prefix so that a node hash
 * can never be passed off as a leaf hash (second-preimage protection).
 */
import { sha256 } from '#crypto';

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Hashing is synchronous and sha256 keeps no reference to its input, so one scratch buffer
// can hold the prefixed input of every call: allocating a small typed array per hash costs
// about as much as the hash itself.
const NODE_INPUT = new Uint8Array(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = NODE_PREFIX;
const LEAF_SCRATCH_SIZE = 1024;
const LEAF_INPUT = new Uint8Array(1 + LEAF_SCRATCH_SIZE);

/** MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = entry.length <= LEAF_SCRATCH_SIZE ? LEAF_INPUT.subarray(0, entry.length + 1) : new Uint8Array(entry.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right). Requires two 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) throw new RangeError(`node hash inputs must be ${HASH_SIZE} bytes, got ${left.length} and ${right.length}`);
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return sha256(NODE_INPUT);
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/**
 * Folds the perfect subtrees of a range, left to right, into its Merkle Tree Hash. For a range
 * whose start is aligned to its largest subtree (all ranges RFC 6962's recursion produces), the
 * greedy power-of-two decomposition is exactly MTH's split, so folding from the right matches it.
 */
export function foldRight(subtreeHashes: readonly Uint8Array[]): Uint8Array {
  if (subtreeHashes.length === 0) return emptyRoot();
  let hash = subtreeHashes[subtreeHashes.length - 1]!;
  for (let i = subtreeHashes.length - 2; i >= 0; i--) hash = nodeHash(subtreeHashes[i]!, hash);
  return hash;
}

/**
 * Computes MTH(D[n]) from leaf hashes in one pass and O(log n) memory: perfect subtrees merge on
 * a stack as they complete (a "compact range"), and the remaining ones fold right to left.
 */
export function treeRoot(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const stack = new StackAccumulator();
  for (const hash of leafHashes) stack.push(hash, 0);
  return stack.root();
}

/** Merges perfect subtrees pushed left to right, each with its height. */
export class StackAccumulator {
  private readonly hashes: Uint8Array[] = [];
  private readonly heights: number[] = [];

  /** Requires subtrees pushed left to right, each no taller than the one before it. */
  push(hash: Uint8Array, height: number): void {
    let h = hash;
    let level = height;
    while (this.heights.length > 0 && this.heights[this.heights.length - 1] === level) {
      this.heights.pop();
      h = nodeHash(this.hashes.pop()!, h);
      level++;
    }
    this.hashes.push(h);
    this.heights.push(level);
  }

  root(): Uint8Array {
    return foldRight(this.hashes);
  }

  /** The right edge as bytes (u8 height ‖ [32] hash, left to right), to persist between runs. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.hashes.length * 33);
    this.hashes.forEach((h, i) => {
      out[i * 33] = this.heights[i]!;
      out.set(h, i * 33 + 1);
    });
    return out;
  }

  /** The inverse of `snapshot`; undefined if the bytes are not a valid right edge. */
  static restore(bytes: Uint8Array): StackAccumulator | undefined {
    if (bytes.length % 33 !== 0) return undefined;
    const acc = new StackAccumulator();
    for (let at = 0; at < bytes.length; at += 33) {
      const height = bytes[at]!;
      if (acc.heights.length > 0 && acc.heights[acc.heights.length - 1]! <= height) return undefined;
      acc.heights.push(height);
      acc.hashes.push(bytes.slice(at + 1, at + 33));
    }
    return acc;
  }

  /** An independent copy (O(log n)): extend it, check it, keep it only if it checks out. */
  clone(): StackAccumulator {
    const copy = new StackAccumulator();
    copy.hashes.push(...this.hashes);
    copy.heights.push(...this.heights);
    return copy;
  }
}
