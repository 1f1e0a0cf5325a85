/**
 * Property tests: for random trees, every generated inclusion and consistency proof verifies,
 * and every single-bit change to the leaf, a proof hash or a root makes it fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { consistencyProof, inclusionProof, leafHash, MemoryTree, rootAt, verifyConsistency, verifyInclusion, type Result } from '../src/index.js';
import { entry, flipBit } from './helpers.js';

function buildTree(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.appendEntry(entry(i));
  return tree;
}

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
  return result.value;
}

const TREE = buildTree(600);

test('every inclusion proof verifies; any bit flip fails', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 600 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }), fc.nat())),
      async ([size, index, bit]) => {
        const root = value(await rootAt(size, TREE));
        const proof = value(await inclusionProof(index, size, TREE));
        const leaf = leafHash(entry(index));
        assert.ok(verifyInclusion(leaf, index, size, proof, root).ok);
        assert.equal(verifyInclusion(flipBit(leaf, bit % 256), index, size, proof, root).ok, false);
        assert.equal(verifyInclusion(leaf, index, size, proof, flipBit(root, bit % 256)).ok, false);
        if (proof.length > 0) {
          const which = bit % proof.length;
          const tampered = proof.map((h, i) => (i === which ? flipBit(h, bit % 256) : h));
          const result = verifyInclusion(leaf, index, size, tampered, root);
          assert.equal(result.ok, false);
          assert.equal(result.ok ? '' : result.error.code, 'root_mismatch');
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('every consistency proof verifies; any bit flip fails', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 600 }).chain((size2) => fc.tuple(fc.integer({ min: 0, max: size2 }), fc.constant(size2), fc.nat())),
      async ([size1, size2, bit]) => {
        const root1 = value(await rootAt(size1, TREE));
        const root2 = value(await rootAt(size2, TREE));
        const proof = value(await consistencyProof(size1, size2, TREE));
        assert.ok(verifyConsistency(size1, size2, proof, root1, root2).ok, `${size1} -> ${size2}`);
        if (size1 === 0) return; // every tree extends the empty tree, whatever its "root"
        assert.equal(verifyConsistency(size1, size2, proof, flipBit(root1, bit % 256), root2).ok, false);
        assert.equal(verifyConsistency(size1, size2, proof, root1, flipBit(root2, bit % 256)).ok, false);
        if (proof.length > 0) {
          const which = bit % proof.length;
          const tampered = proof.map((h, i) => (i === which ? flipBit(h, bit % 256) : h));
          assert.equal(verifyConsistency(size1, size2, tampered, root1, root2).ok, false);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a proof for one tree size does not verify against the root of another', async () => {
  const proof = value(await inclusionProof(37, 100, TREE));
  for (const size of [99, 101, 128]) {
    const otherRoot = value(await rootAt(size, TREE));
    assert.equal(verifyInclusion(leafHash(entry(37)), 37, size, proof, otherRoot).ok, false, `size ${size}`);
  }
});

test('generation rejects impossible requests', async () => {
  const index = await inclusionProof(10, 10, TREE);
  assert.equal(index.ok ? '' : index.error.code, 'index_out_of_range');
  const shrink = await consistencyProof(11, 10, TREE);
  assert.equal(shrink.ok ? '' : shrink.error.code, 'size_mismatch');
  const beyond = await inclusionProof(5, 601, TREE);
  assert.equal(beyond.ok ? '' : beyond.error.code, 'tile_unavailable');
});

test('verification rejects malformed arguments with a named error', () => {
  const h = new Uint8Array(32);
  const cases: [Result<true>, string][] = [
    [verifyInclusion(h, -1, 4, [], h), 'size_out_of_range'],
    [verifyInclusion(h, 0, 2 ** 53, [], h), 'size_out_of_range'],
    [verifyInclusion(h, 0, 0, [], h), 'index_out_of_range'],
    [verifyInclusion(new Uint8Array(31), 0, 1, [], h), 'malformed_proof'],
    [verifyInclusion(h, 0, 2, [new Uint8Array(33)], h), 'malformed_proof'],
    [verifyConsistency(5, 4, [], h, h), 'size_mismatch'],
    [verifyConsistency(4, 4, [], h, new Uint8Array(32).fill(1)), 'root_mismatch'],
    [verifyConsistency(4, 4, [h], h, h), 'wrong_proof_length'],
    [verifyConsistency(0, 4, [h], h, h), 'wrong_proof_length'],
    [verifyConsistency(3, 4, [], h, h), 'wrong_proof_length'],
    [verifyConsistency(3, 4, [h], new Uint8Array(3), h), 'malformed_proof'],
  ];
  for (const [result, code] of cases) assert.equal(result.ok ? 'ok' : result.error.code, code);
});
