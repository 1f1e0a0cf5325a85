/**
 * The batched multi-leaf inclusion proof: for random trees and random leaf sets the generated
 * proof reaches the root, carries exactly the subtree hashes a single audit path would (for one
 * leaf), and every tamper fails: a bit flipped in any proof hash or leaf hash, a hash added or
 * removed, leaves out of range, duplicate or unsorted indexes, a leaf claimed at another index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  inclusionProof,
  leafHash,
  MemoryTree,
  multiInclusionProof,
  rootAt,
  rootFromMultiInclusion,
  toHex,
  treeRoot,
  verifyMultiInclusion,
  type IndexedLeaf,
  type Result,
} from '../src/index.js';
import { entry, flipBit, hex } from './helpers.js';

const TREE = new MemoryTree();
for (let i = 0; i < 600; i++) TREE.appendEntry(entry(i));

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
  return result.value;
}

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

const leavesAt = (indexes: readonly number[]): IndexedLeaf[] => indexes.map((index) => ({ index, hash: leafHash(entry(index)) }));

/** A tree size and a non-empty, strictly increasing set of its indexes. */
const treeAndLeaves = fc.integer({ min: 1, max: 600 }).chain((size) =>
  fc.tuple(
    fc.constant(size),
    fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { minLength: 1, maxLength: Math.min(size, 40) }).map((a) => [...a].sort((x, y) => x - y)),
    fc.nat(),
  ),
);

test('every batched proof reaches the root; a flipped bit in any proof hash or leaf hash fails', async () => {
  await fc.assert(
    fc.asyncProperty(treeAndLeaves, async ([size, indexes, bit]) => {
      const root = value(await rootAt(size, TREE));
      const proof = value(await multiInclusionProof(indexes, size, TREE));
      const leaves = leavesAt(indexes);
      assert.equal(code(verifyMultiInclusion(leaves, size, proof, root)), 'ok');
      for (let p = 0; p < proof.length; p++) {
        const tampered = proof.map((h, i) => (i === p ? flipBit(h, bit % 256) : h));
        assert.equal(code(verifyMultiInclusion(leaves, size, tampered, root)), 'root_mismatch', `proof hash ${p}`);
      }
      for (let l = 0; l < leaves.length; l++) {
        const tampered = leaves.map((leaf, i) => (i === l ? { index: leaf.index, hash: flipBit(leaf.hash, bit % 256) } : leaf));
        assert.equal(code(verifyMultiInclusion(tampered, size, proof, root)), 'root_mismatch', `leaf ${l}`);
      }
      assert.equal(code(verifyMultiInclusion(leaves, size, proof, flipBit(root, bit % 256))), 'root_mismatch');
    }),
    { numRuns: 200 },
  );
});

test('an added or a removed proof hash fails, wherever it is', async () => {
  await fc.assert(
    fc.asyncProperty(treeAndLeaves, async ([size, indexes, at]) => {
      const root = value(await rootAt(size, TREE));
      const proof = value(await multiInclusionProof(indexes, size, TREE));
      const insertAt = at % (proof.length + 1);
      const extra = [...proof.slice(0, insertAt), proof[0] ?? new Uint8Array(32), ...proof.slice(insertAt)];
      assert.equal(code(verifyMultiInclusion(leavesAt(indexes), size, extra, root)), 'wrong_proof_length');
      if (proof.length > 0) {
        const removeAt = at % proof.length;
        const missing = proof.filter((_, i) => i !== removeAt);
        assert.equal(code(verifyMultiInclusion(leavesAt(indexes), size, missing, root)), 'wrong_proof_length');
      }
    }),
    { numRuns: 200 },
  );
});

test('for one leaf the batched proof holds the same hashes as the RFC 6962 audit path', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 600 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
      async ([size, index]) => {
        const batched = value(await multiInclusionProof([index], size, TREE)).map(toHex).sort();
        const path = value(await inclusionProof(index, size, TREE)).map(toHex).sort();
        assert.deepEqual(batched, path);
      },
    ),
    { numRuns: 200 },
  );
});

test('every leaf of a tree: the proof is empty and the root is the tree hash', async () => {
  for (const size of [1, 2, 3, 7, 8, 9, 100]) {
    const all = Array.from({ length: size }, (_, i) => i);
    const proof = value(await multiInclusionProof(all, size, TREE));
    assert.equal(proof.length, 0);
    assert.equal(toHex(value(rootFromMultiInclusion(leavesAt(all), size, proof))), toHex(value(await rootAt(size, TREE))));
  }
});

test('a leaf claimed at another index, or in a tree of another size, fails', async () => {
  await fc.assert(
    fc.asyncProperty(treeAndLeaves, async ([size, indexes, pick]) => {
      const proof = value(await multiInclusionProof(indexes, size, TREE));
      const root = value(await rootAt(size, TREE));
      // Swap the hashes of two leaves (or shift a single one): the positions no longer match.
      const leaves = leavesAt(indexes);
      if (leaves.length >= 2) {
        const i = pick % (leaves.length - 1);
        const swapped = leaves.map((leaf, j) => (j === i ? { index: leaf.index, hash: leaves[i + 1]!.hash } : j === i + 1 ? { index: leaf.index, hash: leaves[i]!.hash } : leaf));
        assert.notEqual(code(verifyMultiInclusion(swapped, size, proof, root)), 'ok');
      }
      if (size < 600) {
        const bigger = value(await rootAt(size + 1, TREE));
        assert.notEqual(code(verifyMultiInclusion(leaves, size + 1, proof, bigger)), 'ok');
      }
    }),
    { numRuns: 200 },
  );
});

test('malformed leaf sets are refused by generation and verification alike', async () => {
  const h = new Uint8Array(32);
  const leaf = (index: number): IndexedLeaf => ({ index, hash: h });
  const cases: [number[], number, string][] = [
    [[], 10, 'malformed_leaf_set'],
    [[3, 3], 10, 'malformed_leaf_set'],
    [[4, 2], 10, 'malformed_leaf_set'],
    [[10], 10, 'index_out_of_range'],
    [[2, 11], 10, 'index_out_of_range'],
    [[-1], 10, 'index_out_of_range'],
    [[0.5], 10, 'index_out_of_range'],
    [[0], 0, 'index_out_of_range'],
    [[0], -1, 'size_out_of_range'],
    [[0], 2 ** 53, 'size_out_of_range'],
  ];
  for (const [indexes, size, expected] of cases) {
    assert.equal(code(await multiInclusionProof(indexes, size, TREE)), expected, `prove ${indexes} in ${size}`);
    assert.equal(code(rootFromMultiInclusion(indexes.map(leaf), size, [h, h, h])), expected, `verify ${indexes} in ${size}`);
  }
  assert.equal(code(rootFromMultiInclusion([{ index: 0, hash: new Uint8Array(31) }], 2, [h])), 'malformed_proof');
  assert.equal(code(rootFromMultiInclusion([leaf(0)], 2, [new Uint8Array(33)])), 'malformed_proof');
  assert.equal(code(verifyMultiInclusion([leaf(0)], 2, [h], new Uint8Array(3))), 'malformed_proof');
  assert.equal(code(await multiInclusionProof([5], 601, TREE)), 'tile_unavailable');
});

// Fixed vectors over the RFC 6962 example tree (leaf hashes and roots from test/vectors, computed by
// generate.py): the expected proof is written out from the recursion by hand, as MTHs of ranges.
const vectorDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors');
const example = (JSON.parse(readFileSync(join(vectorDir, 'rfc6962-roots.json'), 'utf8')) as {
  rfc6962Example: { leafHashes: string[]; roots: { treeSize: number; root: string }[] };
}).rfc6962Example;

test('fixed vectors on the RFC 6962 example tree', async () => {
  const L = example.leafHashes.map(hex);
  const mth = (begin: number, end: number) => toHex(treeRoot(L.slice(begin, end)));
  const tree = new MemoryTree();
  for (const h of L) tree.appendLeafHash(h);
  const cases: { size: number; indexes: number[]; proof: string[] }[] = [
    // 7 → [0,4) [4,7); [0,4) → [0,2) [2,4); [0,2) → 0 | 1*; [4,7) → [4,6) [6,7); [4,6) → 4* | 5
    { size: 7, indexes: [1, 4], proof: [mth(0, 1), mth(2, 4), mth(5, 6), mth(6, 7)] },
    { size: 8, indexes: [0, 7], proof: [mth(1, 2), mth(2, 4), mth(4, 6), mth(6, 7)] },
    { size: 8, indexes: [2, 3], proof: [mth(0, 2), mth(4, 8)] },
    { size: 5, indexes: [4], proof: [mth(0, 4)] },
    { size: 3, indexes: [0, 1, 2], proof: [] },
    { size: 6, indexes: [1, 2, 5], proof: [mth(0, 1), mth(3, 4), mth(4, 5)] },
  ];
  for (const c of cases) {
    const root = example.roots.find((r) => r.treeSize === c.size)!.root;
    assert.deepEqual(value(await multiInclusionProof(c.indexes, c.size, tree)).map(toHex), c.proof, `size ${c.size} leaves ${c.indexes}`);
    const leaves = c.indexes.map((index) => ({ index, hash: L[index]! }));
    assert.equal(toHex(value(rootFromMultiInclusion(leaves, c.size, c.proof.map(hex)))), root);
  }
});
