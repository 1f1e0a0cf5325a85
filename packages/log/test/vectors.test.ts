/**
 * Known answers from an independent implementation (test/vectors/generate.py, written from the
 * RFC 6962 text and checked against transparency-dev/merkle's published values), including the
 * deliberately broken cases: wrong leaf, flipped bits, truncated proof, extra hash, wrong index,
 * wrong size, short hash, sizes out of order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consistencyProof, inclusionProof, leafHash, MemoryTree, rootAt, toHex, treeRoot, verifyConsistency, verifyInclusion, type Result } from '../src/index.js';
import { entry, hex } from './helpers.js';

const vectorDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(vectorDir, name), 'utf8')) as T;

interface RootVectors {
  rfc6962Example: { entries: string[]; leafHashes: string[]; roots: { treeSize: number; root: string }[] };
  counter: { roots: { treeSize: number; root: string }[] };
}
interface InclusionCase { name: string; leafHash: string; index: number; treeSize: number; proof: string[]; root: string; valid: boolean; error: string | null }
interface ConsistencyCase { name: string; size1: number; size2: number; root1: string; root2: string; proof: string[]; valid: boolean; error: string | null }

function outcome(result: Result<unknown>): string {
  return result.ok ? 'valid' : result.error.code;
}

test('RFC 6962 example tree: leaf hashes and the root of every size 0–8', () => {
  const { rfc6962Example } = load<RootVectors>('rfc6962-roots.json');
  const leaves = rfc6962Example.entries.map((e) => leafHash(hex(e)));
  assert.deepEqual(leaves.map(toHex), rfc6962Example.leafHashes);
  for (const { treeSize, root } of rfc6962Example.roots) assert.equal(toHex(treeRoot(leaves.slice(0, treeSize))), root, `size ${treeSize}`);
});

test('counter tree (entry i = uint32 i): roots of sizes 0–70', () => {
  const vectors = load<RootVectors>('rfc6962-roots.json');
  const leaves = Array.from({ length: 71 }, (_, i) => leafHash(entry(i)));
  for (const { treeSize, root } of vectors.counter.roots) assert.equal(toHex(treeRoot(leaves.slice(0, treeSize))), root, `size ${treeSize}`);
});

test('inclusion vectors: every valid proof verifies, every broken one fails with its code', () => {
  const cases = load<InclusionCase[]>('inclusion.json');
  assert.ok(cases.length > 1000);
  for (const c of cases) {
    const result = verifyInclusion(hex(c.leafHash), c.index, c.treeSize, c.proof.map(hex), hex(c.root));
    assert.equal(outcome(result), c.valid ? 'valid' : c.error, c.name);
  }
});

test('consistency vectors: every valid proof verifies, every broken one fails with its code', () => {
  const cases = load<ConsistencyCase[]>('consistency.json');
  assert.ok(cases.length > 900);
  for (const c of cases) {
    const result = verifyConsistency(c.size1, c.size2, c.proof.map(hex), hex(c.root1), hex(c.root2));
    assert.equal(outcome(result), c.valid ? 'valid' : c.error, c.name);
  }
});

test('our generated proofs equal the independent ones for the counter tree', async () => {
  const tree = new MemoryTree();
  for (let i = 0; i < 1024; i++) tree.appendEntry(entry(i));
  const valid = load<InclusionCase[]>('inclusion.json').filter((c) => c.valid && c.name.startsWith('counter/') && c.name.endsWith('/valid'));
  assert.ok(valid.length > 100);
  for (const c of valid) {
    const proof = await inclusionProof(c.index, c.treeSize, tree);
    assert.ok(proof.ok, c.name);
    assert.deepEqual(proof.value.map(toHex), c.proof, c.name);
    const root = await rootAt(c.treeSize, tree);
    assert.ok(root.ok && toHex(root.value) === c.root, c.name);
  }
  const consistent = load<ConsistencyCase[]>('consistency.json').filter((c) => c.valid && c.name.startsWith('counter/') && c.name.endsWith('/valid'));
  assert.ok(consistent.length > 100);
  for (const c of consistent) {
    const proof = await consistencyProof(c.size1, c.size2, tree);
    assert.ok(proof.ok, c.name);
    assert.deepEqual(proof.value.map(toHex), c.proof, c.name);
  }
});
