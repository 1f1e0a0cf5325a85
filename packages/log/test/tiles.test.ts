/** c2sp.org/tlog-tiles: paths, widths, the builder, the reader, and entry bundles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  consistencyProof,
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  inclusionProof,
  leafHash,
  MemoryTree,
  parseTilePath,
  rootAt,
  TileBuilder,
  TileHashReader,
  tilePath,
  tileWidth,
  toHex,
  verifyConsistency,
  verifyEntryBundle,
  verifyInclusion,
  type Result,
  type Tile,
} from '../src/index.js';
import { entry, flipBit } from './helpers.js';

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

test('tile paths use x-prefixed 3-digit groups, as in the spec (1234067 → x001/x234/067)', () => {
  assert.equal(tilePath(0, 1234067), 'tile/0/x001/x234/067');
  assert.equal(tilePath(1, 0), 'tile/1/000');
  assert.equal(tilePath(2, 1000, 17), 'tile/2/x001/000.p/17');
  assert.equal(tilePath(0, 5, 256), 'tile/0/005');
  assert.equal(entriesPath(999, 1), 'tile/entries/999.p/1');
  assert.throws(() => tilePath(64, 0), RangeError);
  assert.throws(() => tilePath(0, 0, 0), RangeError);
});

test('tile paths parse back exactly, and only their canonical spelling', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 63 }), fc.nat({ max: 2 ** 40 }), fc.option(fc.integer({ min: 1, max: 255 })), (level, index, width) => {
      const parsed = parseTilePath(tilePath(level, index, width ?? undefined));
      assert.deepEqual(parsed, { ok: true, value: width === null ? { level, index } : { level, index, width } });
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(parseTilePath('tile/entries/x001/234.p/7'), { ok: true, value: { level: 'entries', index: 1234, width: 7 } });
  for (const bad of [
    'tile/0/67', 'tile/0/x000/067', 'tile/0/001/234', 'tile/00/000', 'tile/64/000', 'tile/-1/000', 'tile/0/000.p/0',
    'tile/0/000.p/256', 'tile/0/000.p/07', 'tile/0/000.p', 'tile/0', 'tiles/0/000', 'tile/0/x1234/000', 'tile/0/000/', 'tile/entries/abc',
  ]) {
    assert.equal(code(parseTilePath(bad)), 'malformed_tile_path', bad);
  }
});

test('tile widths for a tree of 70,000 match the spec example', () => {
  const size = 70_000;
  assert.equal(tileWidth(0, 272, size), 256);
  assert.equal(tileWidth(0, 273, size), 112);
  assert.equal(tileWidth(0, 274, size), 0);
  assert.equal(tileWidth(1, 0, size), 256);
  assert.equal(tileWidth(1, 1, size), 17);
  assert.equal(tileWidth(2, 0, size), 1);
  assert.equal(tileWidth(3, 0, size), 0);
  assert.equal(tileWidth(1, 0, 256), 1, 'a tree of 256 has a partial level-1 tile of width 1');
});

function buildTiles(size: number): { tiles: Map<string, Uint8Array>; builder: TileBuilder; full: Tile[] } {
  const builder = TileBuilder.empty();
  const full = builder.append(Array.from({ length: size }, (_, i) => leafHash(entry(i))));
  const tiles = new Map<string, Uint8Array>();
  for (const t of [...full, ...builder.partialTiles()]) tiles.set(tilePath(t.level, t.index, t.width), t.hashes);
  return { tiles, builder, full };
}

test('the builder emits exactly the tiles the spec lists for 70,000 entries', () => {
  const { builder, full } = buildTiles(70_000);
  assert.equal(full.filter((t) => t.level === 0).length, 273);
  assert.equal(full.filter((t) => t.level === 1).length, 1);
  assert.deepEqual(builder.partialTiles().map((t) => [t.level, t.index, t.width]), [[0, 273, 112], [1, 1, 17], [2, 0, 1]]);
});

test('a builder resumed from stored partial tiles continues identically', async () => {
  const { tiles } = buildTiles(70_000);
  const resumed = await TileBuilder.resume(70_000, (l, n, w) => tiles.get(tilePath(l, n, w)));
  assert.ok(resumed.ok);
  const straight = buildTiles(70_300).builder;
  resumed.value.append(Array.from({ length: 300 }, (_, i) => leafHash(entry(70_000 + i))));
  assert.equal(toHex(resumed.value.root()), toHex(straight.root()));
  const missing = await TileBuilder.resume(70_000, () => undefined);
  assert.equal(code(missing), 'tile_unavailable');
  const short = await TileBuilder.resume(70_000, (l, n, w) => tiles.get(tilePath(l, n, w))!.subarray(32));
  assert.equal(code(short), 'malformed_tile');
});

test('proofs built from tiles equal proofs built from the full tree, and verify', async () => {
  const size = 70_000;
  const { tiles } = buildTiles(size);
  const reader = new TileHashReader(size, (l, n, w) => {
    const bytes = tiles.get(tilePath(l, n, w));
    if (bytes === undefined) throw new Error('404');
    return bytes;
  });
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.appendEntry(entry(i));
  const root = await rootAt(size, tree);
  assert.ok(root.ok);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: size - 1 }), fc.nat({ max: size }), async (index, size1) => {
      const fromTiles = await inclusionProof(index, size, reader);
      const fromTree = await inclusionProof(index, size, tree);
      assert.ok(fromTiles.ok && fromTree.ok);
      assert.deepEqual(fromTiles.value.map(toHex), fromTree.value.map(toHex));
      assert.ok(verifyInclusion(leafHash(entry(index)), index, size, fromTiles.value, root.value).ok);
      const consistency = await consistencyProof(size1, size, reader);
      const root1 = await rootAt(size1, tree);
      assert.ok(consistency.ok && root1.ok);
      assert.ok(verifyConsistency(size1, size, consistency.value, root1.value, root.value).ok);
    }),
    { numRuns: 100 },
  );
});

test('a tampered, truncated or missing tile never yields an accepted proof', async () => {
  const size = 1000;
  const { tiles } = buildTiles(size);
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.appendEntry(entry(i));
  const root = await rootAt(size, tree);
  assert.ok(root.ok);
  const serve = (mutate: (bytes: Uint8Array) => Uint8Array) =>
    new TileHashReader(size, (l, n, w) => mutate(tiles.get(tilePath(l, n, w))!));
  const tampered = await inclusionProof(5, size, serve((b) => flipBit(b, 3 * 256 + 1)));
  assert.ok(tampered.ok);
  assert.equal(code(verifyInclusion(leafHash(entry(5)), 5, size, tampered.value, root.value)), 'root_mismatch');
  assert.equal(code(await inclusionProof(5, size, serve((b) => b.subarray(0, b.length - 1)))), 'malformed_tile');
  const missing = new TileHashReader(size, () => Promise.reject(new Error('HTTP 404')));
  const result = await inclusionProof(5, size, missing);
  assert.equal(code(result), 'tile_unavailable');
  assert.ok(!result.ok && result.error.message.includes('HTTP 404'));
  assert.equal(code(await new TileHashReader(size, () => new Uint8Array()).readNodes([{ level: 0, index: 1000 }])), 'index_out_of_range');
});

test('entry bundles round-trip and match their level-0 tile', () => {
  const entries = Array.from({ length: 256 }, (_, i) => new Uint8Array(i % 7).fill(i));
  const bundle = encodeEntryBundle(entries);
  const decoded = decodeEntryBundle(bundle, 256);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value.map(toHex), entries.map(toHex));
  const builder = TileBuilder.empty();
  const [tile] = builder.append(entries.map(leafHash));
  assert.ok(verifyEntryBundle(decoded.value, tile!.hashes).ok);
  const swapped = [...decoded.value];
  [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
  assert.equal(code(verifyEntryBundle(swapped, tile!.hashes)), 'root_mismatch');
  assert.equal(code(verifyEntryBundle(decoded.value.slice(1), tile!.hashes)), 'malformed_entry_bundle');
});

test('malformed entry bundles are rejected', () => {
  const bundle = encodeEntryBundle([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
  assert.equal(code(decodeEntryBundle(bundle.subarray(0, 1))), 'malformed_entry_bundle');
  assert.equal(code(decodeEntryBundle(bundle.subarray(0, 4))), 'malformed_entry_bundle');
  assert.equal(code(decodeEntryBundle(bundle, 3)), 'malformed_entry_bundle');
  assert.equal(code(decodeEntryBundle(encodeEntryBundle(Array(256).fill(new Uint8Array(0))).slice(), 256)), 'ok');
  const tooMany = new Uint8Array(2 * 257);
  assert.equal(code(decodeEntryBundle(tooMany)), 'malformed_entry_bundle');
  assert.throws(() => encodeEntryBundle([new Uint8Array(65536)]), RangeError);
});

test('tile proofs and resume agree with the full tree at tile boundaries', async () => {
  for (const size of [1, 255, 256, 257, 65_535, 65_536, 65_537]) {
    const { tiles, builder } = buildTiles(size);
    const tree = new MemoryTree();
    for (let i = 0; i < size; i++) tree.appendEntry(entry(i));
    const reader = new TileHashReader(size, (l, n, w) => tiles.get(tilePath(l, n, w))!);
    for (const index of new Set([0, size - 1, Math.floor(size / 2), Math.max(0, size - 257)])) {
      const a = await inclusionProof(index, size, reader);
      const b = await inclusionProof(index, size, tree);
      assert.ok(a.ok && b.ok, `size ${size} index ${index}`);
      assert.deepEqual(a.value.map(toHex), b.value.map(toHex), `size ${size} index ${index}`);
    }
    const resumed = await TileBuilder.resume(size, (l, n, w) => tiles.get(tilePath(l, n, w)), builder.root());
    assert.ok(resumed.ok, `resume at ${size}`);
    assert.equal(toHex(resumed.value.root()), toHex(builder.root()));
    const wrongRoot = await TileBuilder.resume(size, (l, n, w) => tiles.get(tilePath(l, n, w)), new Uint8Array(32));
    assert.equal(code(wrongRoot), 'root_mismatch');
  }
});

test('tile readers and builders refuse nonsense sizes and fetchers', async () => {
  assert.throws(() => new TileHashReader(-1, () => new Uint8Array()), RangeError);
  assert.equal(code(await TileBuilder.resume(Number.NaN, () => undefined)), 'size_out_of_range');
  assert.equal(code(await rootAt(Infinity, new MemoryTree())), 'size_out_of_range');
  assert.equal(code(await rootAt(2.5, new MemoryTree())), 'size_out_of_range');
  const throwsNothing = new TileHashReader(10, () => {
    throw undefined; // eslint-disable-line no-throw-literal
  });
  assert.equal(code(await inclusionProof(1, 10, throwsNothing)), 'tile_unavailable');
  const returnsNothing = new TileHashReader(10, () => undefined as unknown as Uint8Array);
  assert.equal(code(await inclusionProof(1, 10, returnsNothing)), 'tile_unavailable');
  assert.equal(code(await TileBuilder.resume(10, () => { throw new Error('disk'); })), 'tile_unavailable');
  assert.equal(code(parseTilePath(`tile/0/${'x000/'.repeat(1000)}000`)), 'malformed_tile_path');
});
