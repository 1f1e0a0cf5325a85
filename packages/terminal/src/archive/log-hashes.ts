/**
 * The leaf hashes of every log entry this terminal scanned (RFC 6962 leaf hashes, 32 bytes
 * each), kept as it syncs so that a record export can prove inclusion and consistency against
 * a held checkpoint with no relay (issue 12 item 3).
 *
 * Compact: one row per tile of 256 leaves (c2sp.org/tlog-tiles' width), the leaves' hashes
 * concatenated, plus the tile's own perfect-subtree hash (level 8) once it is full. A proof
 * node at level ≤ 8 is hashed from one row's leaves; a higher one from level-8 hashes only, so
 * a proof over a million entries reads a few thousand 32-byte values, not a million.
 */
import type Database from 'better-sqlite3';
import { fail, leafHash, nodeHash, ok, TILE_WIDTH, type HashReader, type NodeId, type Result } from '@hotline/log';
import { prepared } from '../store/terminal-db.js';

const TILE_LEVEL = 8;
const HASH = 32;

const SCHEMA = 'CREATE TABLE IF NOT EXISTS log_leaf_tiles (tile INTEGER PRIMARY KEY, leaves BLOB NOT NULL, root BLOB)';

/** Hash of the perfect tree over `hashes` (a power of two of them). */
function perfectRoot(hashes: readonly Uint8Array[]): Uint8Array {
  let level = hashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

function split(leaves: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < leaves.length; at += HASH) out.push(leaves.subarray(at, at + HASH));
  return out;
}

export class LogHashes implements HashReader {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /**
   * Keeps the leaf hashes of entries `from`, `from + 1`, … (a scan's records, in log order).
   * Idempotent, and never shortens what is held: several processes on one home scan the same
   * append-only log, and one resuming from an older scan state writes the same hashes again.
   * Returns false, storing nothing, if `from` lies past a gap (the scan state got ahead of the
   * hashes): the caller then scans the log again from the start.
   */
  store(from: number, entries: readonly Uint8Array[]): boolean {
    const read = prepared(this.db, 'SELECT leaves FROM log_leaf_tiles WHERE tile = ?');
    const write = prepared(this.db, 'INSERT INTO log_leaf_tiles (tile, leaves, root) VALUES (?, ?, ?) ON CONFLICT (tile) DO UPDATE SET leaves = excluded.leaves, root = excluded.root');
    return this.db.transaction(() => {
      if (this.size() < from) return false;
      for (let i = 0; i < entries.length; ) {
        const index = from + i;
        const tile = Math.floor(index / TILE_WIDTH);
        const offset = index - tile * TILE_WIDTH;
        const row = read.get(tile) as { leaves: Buffer } | undefined;
        const count = Math.min(TILE_WIDTH - offset, entries.length - i);
        const held = row === undefined ? 0 : row.leaves.length / HASH;
        const leaves = new Uint8Array(Math.max(held, offset + count) * HASH);
        if (row !== undefined) leaves.set(row.leaves);
        for (let k = 0; k < count; k++) leaves.set(leafHash(entries[i + k]!), (offset + k) * HASH);
        const root = leaves.length === TILE_WIDTH * HASH ? perfectRoot(split(leaves)) : null;
        write.run(tile, leaves, root);
        i += count;
      }
      return true;
    })();
  }

  /** How many leaves, from index 0 on, are held without a gap. */
  size(): number {
    const row = prepared(this.db, 'SELECT count(*) AS n, max(tile) AS last FROM log_leaf_tiles').get() as { n: number; last: number | null };
    if (row.last === null) return 0;
    const full = prepared(this.db, 'SELECT count(*) AS n FROM log_leaf_tiles WHERE root IS NOT NULL AND tile < ?').get(row.last) as { n: number };
    if (full.n !== row.last) return this.contiguous();
    const last = prepared(this.db, 'SELECT length(leaves) AS l FROM log_leaf_tiles WHERE tile = ?').get(row.last) as { l: number };
    return row.last * TILE_WIDTH + last.l / HASH;
  }

  /** The slow path of `size` for a table with a hole: the first tile that is missing or short. */
  private contiguous(): number {
    const rows = prepared(this.db, 'SELECT tile, length(leaves) AS l FROM log_leaf_tiles ORDER BY tile').all() as { tile: number; l: number }[];
    let size = 0;
    for (const r of rows) {
      if (r.tile * TILE_WIDTH !== size) break;
      size += r.l / HASH;
      if (r.l / HASH < TILE_WIDTH) break;
    }
    return size;
  }

  /**
   * The kept leaf hashes of these log indexes, each tile read once (a console page re-checks
   * about a hundred neighbouring entries); an index this home holds no hash for is left out.
   */
  leafHashes(indexes: readonly number[]): Map<number, Uint8Array> {
    const read = prepared(this.db, 'SELECT leaves FROM log_leaf_tiles WHERE tile = ?');
    const tiles = new Map<number, Buffer | undefined>();
    const out = new Map<number, Uint8Array>();
    for (const index of indexes) {
      const tile = Math.floor(index / TILE_WIDTH);
      if (!tiles.has(tile)) tiles.set(tile, (read.get(tile) as { leaves: Buffer } | undefined)?.leaves);
      const leaves = tiles.get(tile);
      const at = (index - tile * TILE_WIDTH) * HASH;
      if (leaves !== undefined && leaves.length >= at + HASH) out.set(index, new Uint8Array(leaves.subarray(at, at + HASH)));
    }
    return out;
  }

  readNodes(nodes: readonly NodeId[]): Result<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const node of nodes) {
      const hash = this.node(node);
      if (!hash.ok) return hash;
      out.push(hash.value);
    }
    return ok(out);
  }

  private node({ level, index }: NodeId): Result<Uint8Array> {
    if (level <= TILE_LEVEL) {
      const width = 2 ** level;
      const first = index * width;
      const tile = Math.floor(first / TILE_WIDTH);
      const row = prepared(this.db, 'SELECT leaves FROM log_leaf_tiles WHERE tile = ?').get(tile) as { leaves: Buffer } | undefined;
      const offset = first - tile * TILE_WIDTH;
      if (row === undefined || row.leaves.length < (offset + width) * HASH) return fail('tile_unavailable', `this archive holds no leaf hashes for log entries ${first}–${first + width - 1}`);
      return ok(perfectRoot(split(new Uint8Array(row.leaves.subarray(offset * HASH, (offset + width) * HASH)))));
    }
    const tiles = 2 ** (level - TILE_LEVEL);
    const first = index * tiles;
    const rows = prepared(this.db, 'SELECT root FROM log_leaf_tiles WHERE tile >= ? AND tile < ? AND root IS NOT NULL ORDER BY tile').all(first, first + tiles) as { root: Buffer }[];
    if (rows.length !== tiles) return fail('tile_unavailable', `this archive holds no leaf hashes for log tiles ${first}–${first + tiles - 1}`);
    return ok(perfectRoot(rows.map((r) => new Uint8Array(r.root))));
  }
}
