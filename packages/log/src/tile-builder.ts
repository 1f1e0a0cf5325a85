/**
 * Builds c2sp.org/tlog-tiles from appended leaf hashes: the writer side of a tiled log.
 *
 * State is only the right edge of the tree: for each tile level, the hashes of the current
 * partial tile (fewer than 256). When a tile fills, it is emitted as a full (immutable) tile and
 * its root becomes one hash of the level above. A restarted writer rebuilds the edge from the
 * stored partial tiles of its last size (`TileBuilder.resume`), so nothing but tiles is state.
 */
import { bytesEqual } from './bytes.js';
import { HASH_SIZE, StackAccumulator, nodeHash } from './hash.js';
import { fail, ok, type Result } from './result.js';
import { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tile-path.js';

export interface Tile {
  readonly level: number;
  readonly index: number;
  /** Number of hashes, 1–256; below 256 the tile is partial. */
  readonly width: number;
  /** width × 32 bytes of concatenated hashes. */
  readonly hashes: Uint8Array;
}

export type TileSource = (level: number, index: number, width: number) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

/** MTH of 2^k hashes packed in `bytes`, hashing pairwise in place on a copy. */
export function perfectRoot(bytes: Uint8Array): Uint8Array {
  let layer: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += HASH_SIZE) layer.push(bytes.subarray(i, i + HASH_SIZE));
  while (layer.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!;
}

export class TileBuilder {
  private treeSize: number;
  /** edge[L]: bytes of level L's partial tile; edgeWidth[L]: how many hashes it holds. */
  private readonly edge: Uint8Array[] = [];
  private readonly edgeWidth: number[] = [];

  private constructor(size: number) {
    this.treeSize = size;
  }

  static empty(): TileBuilder {
    return new TileBuilder(0);
  }

  /** Rebuilds the right edge of a tree of `size` from its stored partial tiles. */
  static async resume(size: number, readTile: TileSource, expectedRoot?: Uint8Array): Promise<Result<TileBuilder>> {
    if (!Number.isSafeInteger(size) || size < 0) return fail('size_out_of_range', `tree size must be a non-negative safe integer, got ${size}`);
    const builder = new TileBuilder(size);
    for (let level = 0; level <= MAX_TILE_LEVEL && Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
      const index = Math.floor(size / TILE_WIDTH ** (level + 1));
      const width = tileWidth(level, index, size);
      builder.ensureLevel(level);
      if (width === 0) continue;
      let bytes: Uint8Array | undefined;
      try {
        bytes = await readTile(level, index, width);
      } catch (error) {
        return fail('tile_unavailable', `partial tile level ${level} index ${index}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (bytes === undefined) return fail('tile_unavailable', `partial tile level ${level} index ${index} width ${width} is missing`);
      if (bytes.length !== width * HASH_SIZE) return fail('malformed_tile', `tile level ${level} index ${index} has ${bytes.length} bytes, expected ${width * HASH_SIZE}`);
      builder.edge[level]!.set(bytes);
      builder.edgeWidth[level] = width;
    }
    // Stored tiles are the writer's own, but a root check catches a corrupted store before it
    // can produce a checkpoint inconsistent with the one already published.
    if (expectedRoot !== undefined && !bytesEqual(builder.root(), expectedRoot)) {
      return fail('root_mismatch', `stored tiles for size ${size} do not hash to the expected root`);
    }
    return ok(builder);
  }

  get size(): number {
    return this.treeSize;
  }

  private ensureLevel(level: number): void {
    while (this.edge.length <= level) {
      this.edge.push(new Uint8Array(TILE_WIDTH * HASH_SIZE));
      this.edgeWidth.push(0);
    }
  }

  /** Appends leaf hashes; returns the full tiles completed by them, lowest level first per fill. */
  append(leafHashes: Iterable<Uint8Array>): Tile[] {
    const completed: Tile[] = [];
    for (const hash of leafHashes) {
      if (hash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${hash.length}`);
      this.push(0, hash, completed);
      this.treeSize++;
    }
    return completed;
  }

  private push(level: number, hash: Uint8Array, completed: Tile[]): void {
    this.ensureLevel(level);
    const width = this.edgeWidth[level]!;
    this.edge[level]!.set(hash, width * HASH_SIZE);
    this.edgeWidth[level] = width + 1;
    if (width + 1 < TILE_WIDTH) return;
    const hashes = this.edge[level]!.slice();
    const index = Math.floor((this.treeSize) / TILE_WIDTH ** (level + 1));
    completed.push({ level, index, width: TILE_WIDTH, hashes });
    this.edgeWidth[level] = 0;
    this.push(level + 1, perfectRoot(hashes), completed);
  }

  /** The partial tiles of the current size: what a log publishes with a checkpoint. */
  partialTiles(): Tile[] {
    const tiles: Tile[] = [];
    for (let level = 0; level < this.edge.length; level++) {
      const width = this.edgeWidth[level]!;
      if (width === 0) continue;
      const index = Math.floor(this.treeSize / TILE_WIDTH ** (level + 1));
      tiles.push({ level, index, width, hashes: this.edge[level]!.slice(0, width * HASH_SIZE) });
    }
    return tiles;
  }

  /** MTH of the whole tree: the edge's subtrees, highest level first, folded. */
  root(): Uint8Array {
    const stack = new StackAccumulator();
    for (let level = this.edge.length - 1; level >= 0; level--) {
      const bytes = this.edge[level]!;
      for (let i = 0; i < this.edgeWidth[level]!; i++) stack.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), level * TILE_HEIGHT);
    }
    return stack.root();
  }
}
