/**
 * Integer helpers for tree shapes. Sizes and indexes are JavaScript numbers up to 2^53, so these
 * use arithmetic, not the 32-bit bit operators.
 */

export function isPowerOfTwo(n: number): boolean {
  if (!(n >= 1) || !Number.isInteger(n)) return false;
  let m = n;
  while (m % 2 === 0) m /= 2;
  return m === 1;
}

/** The largest power of two strictly below n: RFC 6962's split point k. Requires n > 1. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Identifies the perfect subtree covering leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Splits [begin, end) into perfect subtrees, largest first, greedily. Requires begin to be a
 * multiple of the first (largest) subtree's size, which holds for every range that RFC 6962's
 * recursion produces.
 */
export function perfectSubtrees(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let size = 1;
    let level = 0;
    while (at % (size * 2) === 0 && at + size * 2 <= end) {
      size *= 2;
      level++;
    }
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}
