/**
 * c2sp.org/tlog-tiles entry bundles: a sequence of entries, each a big-endian uint16 length and
 * that many bytes. Each entry hashes (RFC 6962 leaf hash) to the matching hash of the level-0
 * tile with the same index.
 */
import { bytesEqual } from './bytes.js';
import { HASH_SIZE, leafHash } from './hash.js';
import { fail, ok, type Result } from './result.js';
import { TILE_WIDTH } from './tile-path.js';

export const MAX_ENTRY_SIZE = 0xffff;

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw new RangeError(`an entry bundle holds at most ${TILE_WIDTH} entries, got ${entries.length}`);
  let size = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) throw new RangeError(`a log entry is at most ${MAX_ENTRY_SIZE} bytes, got ${entry.length}`);
    size += 2 + entry.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const entry of entries) {
    out[at] = entry.length >> 8;
    out[at + 1] = entry.length & 255;
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

/** Splits a bundle into entries; `expectedCount` (the bundle's width) must match exactly. */
export function decodeEntryBundle(bundle: Uint8Array, expectedCount?: number): Result<Uint8Array[]> {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (entries.length === TILE_WIDTH) return fail('malformed_entry_bundle', `entry bundle has more than ${TILE_WIDTH} entries`);
    if (at + 2 > bundle.length) return fail('malformed_entry_bundle', `entry bundle truncated in the length of entry ${entries.length}`);
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) return fail('malformed_entry_bundle', `entry bundle truncated in entry ${entries.length} (${length} bytes declared)`);
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (expectedCount !== undefined && entries.length !== expectedCount) {
    return fail('malformed_entry_bundle', `entry bundle has ${entries.length} entries, expected ${expectedCount}`);
  }
  return ok(entries);
}

/** Checks every entry of a decoded bundle against the level-0 tile with the same index. */
export function verifyEntryBundle(entries: readonly Uint8Array[], level0Tile: Uint8Array): Result<true> {
  if (level0Tile.length !== entries.length * HASH_SIZE) {
    return fail('malformed_entry_bundle', `entry bundle has ${entries.length} entries but its tile has ${level0Tile.length / HASH_SIZE} hashes`);
  }
  for (let i = 0; i < entries.length; i++) {
    if (!bytesEqual(leafHash(entries[i]!), level0Tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
      return fail('root_mismatch', `entry ${i} of the bundle does not hash to its level-0 tile hash`);
    }
  }
  return ok(true);
}
