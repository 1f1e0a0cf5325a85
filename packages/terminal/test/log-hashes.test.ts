/** The archive's leaf hashes: proofs from them equal proofs from the whole tree, and what is missing is named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { consistencyProof, inclusionProof, leafHash, MemoryTree, rootAt } from '@hotline/log';
import { LogHashes } from '../src/archive/log-hashes.js';

function entries(n: number): Uint8Array[] {
  return Array.from({ length: n }, () => new Uint8Array(randomBytes(146)));
}

test('proofs from stored leaf hashes equal the memory tree\'s, across tile boundaries and partial tiles, stored in uneven scans', async () => {
  const db = new Database(':memory:');
  const hashes = new LogHashes(db);
  const all = entries(1300);
  const tree = new MemoryTree();
  for (const e of all) tree.appendEntry(e);
  // Scans end anywhere: mid-tile, on a tile boundary, one entry at a time.
  let at = 0;
  for (const step of [1, 254, 1, 300, 256, 7, 481]) {
    hashes.store(at, all.slice(at, at + step));
    at += step;
    assert.equal(hashes.size(), at);
  }
  assert.equal(at, 1300);
  for (const size of [1, 2, 255, 256, 257, 512, 513, 1024, 1299, 1300]) {
    assert.deepEqual((await rootAt(size, hashes)), await rootAt(size, tree), `root at ${size}`);
    for (const index of [0, size - 1, Math.floor(size / 2)]) assert.deepEqual(await inclusionProof(index, size, hashes), await inclusionProof(index, size, tree), `inclusion of ${index} in ${size}`);
    for (const old of [1, 100, 256, 1000]) if (old <= size) assert.deepEqual(await consistencyProof(old, size, hashes), await consistencyProof(old, size, tree), `consistency ${old} → ${size}`);
  }
  // A repeated scan (a rescan from 0, or a process resuming from an older scan state) rewrites the same hashes and never shortens them.
  assert.equal(hashes.store(0, all.slice(0, 600)), true);
  assert.equal(hashes.size(), 1300, 'what another scan already kept stays');
  assert.equal(hashes.store(100, all.slice(100, 130)), true);
  assert.equal(hashes.size(), 1300);
  assert.deepEqual(await rootAt(1300, hashes), await rootAt(1300, tree));
  assert.equal(new LogHashes(db).size(), 1300, 'reopened: all there');
});

test('a node the archive lacks is named, not guessed; a gap cannot be stored', async () => {
  const db = new Database(':memory:');
  const hashes = new LogHashes(db);
  hashes.store(0, entries(10));
  const proof = await inclusionProof(3, 20, hashes);
  assert.equal(proof.ok, false);
  assert.match(proof.ok ? '' : proof.error.message, /no leaf hashes for log entries/);
  const big = await rootAt(1024, hashes);
  assert.equal(big.ok, false);
  assert.equal(hashes.store(12, entries(1)), false, 'past a gap: nothing stored, the caller scans again');
  assert.equal(hashes.size(), 10);
});

test('leafHashes: each asked index that is held, across tiles, and none that is not', () => {
  const db = new Database(':memory:');
  const hashes = new LogHashes(db);
  const all = entries(300);
  hashes.store(0, all);
  const got = hashes.leafHashes([0, 255, 256, 299, 300, 5000]);
  assert.deepEqual([...got.keys()], [0, 255, 256, 299]);
  for (const [index, hash] of got) assert.deepEqual(hash, leafHash(all[index]!), `leaf ${index}`);
});
