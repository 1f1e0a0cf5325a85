/**
 * An in-memory Merkle tree that keeps every perfect-subtree hash: for tests, tools and small
 * logs. Appending is amortised O(1) hashes; readNodes is O(1) per node.
 */
import { leafHash, nodeHash } from './hash.js';
import type { HashReader } from './prove.js';
import { fail, ok, type Result } from './result.js';
import type { NodeId } from './tree-math.js';

export class MemoryTree implements HashReader {
  /** levels[h][i] = hash of the perfect subtree NodeId{level: h, index: i}. */
  private readonly levels: Uint8Array[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  appendEntry(entry: Uint8Array): number {
    return this.appendLeafHash(leafHash(entry));
  }

  /** Appends a leaf hash and returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    const index = this.size;
    let level = 0;
    let h = hash;
    let i = index;
    for (;;) {
      (this.levels[level] ??= []).push(h);
      if (i % 2 === 0) break;
      h = nodeHash(this.levels[level]![i - 1]!, h);
      level++;
      i = (i - 1) / 2;
    }
    return index;
  }

  readNodes(nodes: readonly NodeId[]): Result<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const { level, index } of nodes) {
      const hash = this.levels[level]?.[index];
      if (hash === undefined) return fail('tile_unavailable', `no hash for node level ${level} index ${index} in a tree of size ${this.size}`);
      out.push(hash);
    }
    return ok(out);
  }
}
