/**
 * c2sp.org/tlog-tiles resource names and shapes: `tile/<L>/<N>[.p/<W>]` and
 * `tile/entries/<N>[.p/<W>]`, where N is written in zero-padded 3-digit groups, all but the
 * last prefixed with `x` (1234067 → x001/x234/067).
 */
import { parseSafeDecimal } from './bytes.js';
import { fail, ok, type Result } from './result.js';

/** Hashes per full tile (tiles are 8 levels of the Merkle tree). */
export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;
export const MAX_TILE_LEVEL = 63;

export interface TileAddress {
  /** A Merkle tile level 0–63, or 'entries' for an entry bundle. */
  readonly level: number | 'entries';
  readonly index: number;
  /** Present for a partial tile: 1–255 hashes or entries. */
  readonly width?: number;
}

function encodeIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index must be a non-negative safe integer, got ${index}`);
  let n = index;
  let out = String(n % 1000).padStart(3, '0');
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

function widthSuffix(width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return '';
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`tile width must be 1–256, got ${width}`);
  return `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`; width 256 or undefined means a full tile. */
export function tilePath(level: number, index: number, width?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new RangeError(`tile level must be 0–63, got ${level}`);
  return `tile/${level}/${encodeIndex(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(index: number, width?: number): string {
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

function parseIndex(groups: readonly string[]): number | undefined {
  if (groups.length === 0) return undefined;
  let value = 0;
  for (let i = 0; i < groups.length; i++) {
    const last = i === groups.length - 1;
    const match = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(groups[i]!);
    if (match === null) return undefined;
    value = value * 1000 + Number(match[1]);
  }
  if (!Number.isSafeInteger(value)) return undefined;
  // Only the canonical spelling is accepted: no leading all-zero groups (x000/067).
  return encodeIndex(value) === groups.join('/') ? value : undefined;
}

/** Parses a path relative to the log prefix, e.g. `tile/0/x001/234.p/12`. */
export function parseTilePath(path: string): Result<TileAddress> {
  const bad = (why: string) => fail<TileAddress>('malformed_tile_path', `tile path ${JSON.stringify(path.slice(0, 120))}: ${why}`);
  if (path.length > 64) return bad('longer than any valid tile path');
  const parts = path.split('/');
  if (parts[0] !== 'tile' || parts.length < 3) return bad('expected tile/<L>/<N>[.p/<W>]');
  let width: number | undefined;
  let indexParts = parts.slice(2);
  if (indexParts.length >= 2 && indexParts[indexParts.length - 2]!.endsWith('.p')) {
    const w = parseSafeDecimal(indexParts[indexParts.length - 1]!);
    if (typeof w !== 'number' || w < 1 || w >= TILE_WIDTH) return bad('partial width must be 1–255 without leading zeros');
    width = w;
    indexParts = [...indexParts.slice(0, -2), indexParts[indexParts.length - 2]!.slice(0, -2)];
  }
  const index = parseIndex(indexParts);
  if (index === undefined) return bad('index must be canonical 3-digit groups, all but the last prefixed with x');
  let level: number | 'entries';
  if (parts[1] === 'entries') {
    level = 'entries';
  } else {
    const l = parseSafeDecimal(parts[1]!);
    if (typeof l !== 'number' || l > MAX_TILE_LEVEL) return bad('level must be 0–63 without leading zeros');
    level = l;
  }
  return ok(width === undefined ? { level, index } : { level, index, width });
}

/**
 * The width of tile `index` at `level` (0 for entry bundles, which share level 0's shape) in a
 * tree of `treeSize`: 256 when full, 1–255 when partial, 0 when the tree has no such tile.
 */
export function tileWidth(level: number, index: number, treeSize: number): number {
  const hashesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
  const remaining = hashesAtLevel - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, remaining));
}
