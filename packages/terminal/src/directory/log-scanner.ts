/**
 * Reads the log up to a verified checkpoint from its entry bundles and proves every record at
 * once: the records' leaf hashes must rebuild exactly the checkpoint's root. No per-record
 * proofs, so a terminal can follow every directory and channel record cheaply. Incremental:
 * it keeps only the O(log n) right edge of the tree between scans, and a failed scan changes
 * nothing.
 */
import { bytesEqual, decodeEntryBundle, leafHash, StackAccumulator, TILE_WIDTH } from '@hotline/log';

/** Fetches entry bundle `index` holding `width` entries (c2sp.org/tlog-tiles). */
export type BundleFetcher = (index: number, width: number) => Promise<Uint8Array>;

export interface ScannedRecord {
  readonly logIndex: number;
  readonly record: Uint8Array;
}

export type ScanResult =
  | { readonly ok: true; readonly records: readonly ScannedRecord[] }
  | { readonly ok: false; readonly code: 'log_mismatch' | 'unavailable'; readonly message: string };

export class LogScanner {
  private tree = new StackAccumulator();
  private scanned = 0;

  /** `resume`: the state a previous scan left (see `state`), to continue from where it stopped. */
  constructor(
    private readonly fetchBundle: BundleFetcher,
    resume?: { readonly size: number; readonly edge: Uint8Array },
  ) {
    if (resume !== undefined) {
      const tree = StackAccumulator.restore(resume.edge);
      if (tree === undefined) throw new RangeError('the saved scan state is not a valid tree edge');
      this.tree = tree;
      this.scanned = resume.size;
    }
  }

  get size(): number {
    return this.scanned;
  }

  /** What to persist to resume later: the size proven so far and the tree's right edge. */
  get state(): { size: number; edge: Uint8Array } {
    return { size: this.scanned, edge: this.tree.snapshot() };
  }

  /** The records added since the last scan, proven against `checkpoint`, or an alert. */
  async scan(checkpoint: { readonly size: number; readonly rootHash: Uint8Array }): Promise<ScanResult> {
    if (checkpoint.size < this.scanned) return { ok: false, code: 'log_mismatch', message: `checkpoint size ${checkpoint.size} is below the ${this.scanned} entries already proven` };
    const tree = this.tree.clone();
    const records: ScannedRecord[] = [];
    for (let at = this.scanned; at < checkpoint.size; ) {
      const index = Math.floor(at / TILE_WIDTH);
      const width = Math.min(TILE_WIDTH, checkpoint.size - index * TILE_WIDTH);
      let bundle: Uint8Array;
      try {
        bundle = await this.fetchBundle(index, width);
      } catch (error) {
        return { ok: false, code: 'unavailable', message: `entry bundle ${index}: ${error instanceof Error ? error.message : String(error)}` };
      }
      const entries = decodeEntryBundle(bundle, width);
      if (!entries.ok) return { ok: false, code: 'log_mismatch', message: `entry bundle ${index}: ${entries.error.message}` };
      for (let i = at - index * TILE_WIDTH; i < width; i++) {
        tree.push(leafHash(entries.value[i]!), 0);
        records.push({ logIndex: index * TILE_WIDTH + i, record: entries.value[i]! });
      }
      at = index * TILE_WIDTH + width;
    }
    if (!bytesEqual(tree.root(), checkpoint.rootHash)) {
      return { ok: false, code: 'log_mismatch', message: `the log's entries do not hash to the checkpoint root at size ${checkpoint.size}: entries were altered, dropped or inserted` };
    }
    this.tree = tree;
    this.scanned = checkpoint.size;
    return { ok: true, records };
  }
}
