import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyRoot, leafHash, MemoryTree, nodeHash, rootAt, TileBuilder, toHex, treeRoot, utf8 } from '../src/index.js';
import { entry, hex } from './helpers.js';

test('the empty tree hashes to SHA-256 of the empty string (RFC 6962 §2.1)', () => {
  assert.equal(toHex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(toHex(treeRoot([])), toHex(emptyRoot()));
});

test('leaf and node hashes are domain-separated by 0x00 and 0x01', () => {
  // SHA-256(0x00) and SHA-256(0x01 || 0^64) are public known answers.
  assert.equal(toHex(leafHash(new Uint8Array(0))), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  const zero = new Uint8Array(32);
  // SHA-256(0x01 || 0^64), computed independently (Python hashlib).
  assert.equal(toHex(nodeHash(zero, zero)), 'ae0798d0ecaed2b778eddebf18f071a561c53658c05e76cedecc27cafbdbc577');
  assert.notEqual(toHex(nodeHash(zero, zero)), toHex(leafHash(new Uint8Array(64))));
  assert.throws(() => nodeHash(new Uint8Array(31), zero), RangeError);
  assert.equal(toHex(leafHash(utf8('abc'))), toHex(leafHash(hex('616263'))));
});

test('a one-leaf tree root is that leaf hash', () => {
  const h = leafHash(utf8('only'));
  assert.deepEqual(treeRoot([h]), h);
});

test('treeRoot, MemoryTree and TileBuilder agree on the root of every size', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1200 }), async (size) => {
      const leaves = Array.from({ length: size }, (_, i) => leafHash(entry(i)));
      const tree = new MemoryTree();
      const builder = TileBuilder.empty();
      for (const l of leaves) tree.appendLeafHash(l);
      builder.append(leaves);
      const expected = toHex(treeRoot(leaves));
      assert.equal(toHex(builder.root()), expected);
      const fromTree = await rootAt(size, tree);
      assert.ok(fromTree.ok);
      assert.equal(toHex(fromTree.value), expected);
    }),
    { numRuns: 40 },
  );
});
