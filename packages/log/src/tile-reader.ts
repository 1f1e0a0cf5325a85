/**
 * Reads perfect-subtree hashes from c2sp.org/tlog-tiles, so a client can build inclusion and
 * consistency proofs itself from nothing but tiles and a checkpoint it trusts. The tiles come
 * from an untrusted server: a wrong hash only yields a proof that fails verification against
 * the checkpoint root, and a wrong tile size is reported as `malformed_tile`.
 */
import { HASH_SIZE, nodeHash } from './hash.js';
import type { HashReader } from './prove.js';
import { fail, ok, type Result } from './result.js';
import { TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tile-path.js';
import type { NodeId } from './tree-math.js';

/** Fetches tile (level, index) of the given width (256 = full). May throw or reject. */
export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array> | Uint8Array;

/** A tile with its 8 internal levels, computed once: levels[r][j] is the j-th hash at height r. */
class ExpandedTile {
  readonly levels: Uint8Array[][];
  constructor(bytes: Uint8Array) {
    const base: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += HASH_SIZE) base.push(bytes.subarray(i, i + HASH_SIZE));
    this.levels = [base];
    for (let r = 1; r < TILE_HEIGHT; r++) {
      const below = this.levels[r - 1]!;
      const layer: Uint8Array[] = [];
      for (let j = 0; j + 1 < below.length; j += 2) layer.push(nodeHash(below[j]!, below[j + 1]!));
      this.levels.push(layer);
    }
  }
}

interface Location {
  readonly key: string;
  readonly level: number;
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly offset: number;
}

export class TileHashReader implements HashReader {
  private readonly cache = new Map<string, ExpandedTile>();

  /** `treeSize` must come from a verified checkpoint: it decides which partial tiles exist. */
  constructor(
    readonly treeSize: number,
    private readonly fetchTile: TileFetcher,
    private readonly cacheLimit = 1024,
  ) {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`tree size must be a non-negative safe integer, got ${treeSize}`);
  }

  private locate(node: NodeId): Location | undefined {
    const level = Math.floor(node.level / TILE_HEIGHT);
    const height = node.level % TILE_HEIGHT;
    const first = node.index * 2 ** height; // position among level-`level` tile hashes
    const index = Math.floor(first / TILE_WIDTH);
    const width = tileWidth(level, index, this.treeSize);
    const offset = (first % TILE_WIDTH) / 2 ** height;
    if ((offset + 1) * 2 ** height > width) return undefined; // not a complete subtree of this tree
    return { key: `${level}/${index}/${width}`, level, index, width, height, offset };
  }

  private async load(location: Location): Promise<Result<ExpandedTile>> {
    const cached = this.cache.get(location.key);
    if (cached !== undefined) {
      this.cache.delete(location.key); // refresh its place in the LRU order
      this.cache.set(location.key, cached);
      return ok(cached);
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.fetchTile(location.level, location.index, location.width);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return fail('tile_unavailable', `tile level ${location.level} index ${location.index} width ${location.width}: ${why}`);
    }
    if (!(bytes instanceof Uint8Array)) return fail('tile_unavailable', `tile level ${location.level} index ${location.index} was not returned as bytes`);
    if (bytes.length !== location.width * HASH_SIZE) {
      return fail('malformed_tile', `tile level ${location.level} index ${location.index} has ${bytes.length} bytes, expected ${location.width * HASH_SIZE}`);
    }
    const tile = new ExpandedTile(bytes);
    this.cache.set(location.key, tile);
    if (this.cache.size > this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
    return ok(tile);
  }

  async readNodes(nodes: readonly NodeId[]): Promise<Result<Uint8Array[]>> {
    const locations: Location[] = [];
    for (const node of nodes) {
      const location = this.locate(node);
      if (location === undefined) return fail('index_out_of_range', `node level ${node.level} index ${node.index} is not in a tree of size ${this.treeSize}`);
      locations.push(location);
    }
    const unique = new Map(locations.map((l) => [l.key, l]));
    const loaded = await Promise.all([...unique.values()].map(async (l) => [l.key, await this.load(l)] as const));
    const tiles = new Map<string, ExpandedTile>();
    for (const [key, result] of loaded) {
      if (!result.ok) return result;
      tiles.set(key, result.value);
    }
    return ok(locations.map((l) => tiles.get(l.key)!.levels[l.height]![l.offset]!));
  }
}
