/**
 * Integration, separated from sequencing (as in Tessera): sequencing makes an envelope durable
 * and gives it a log index — the only thing a submitter waits for. Integration then folds new
 * log entries into tiles and signs a checkpoint, at most every `intervalMs` while there are new
 * entries.
 *
 * Never two inconsistent checkpoints, even across a crash: the tiles, the integrated size and
 * the checkpoint that signs them are committed in one transaction, and only if the stored
 * checkpoint is still the one this integrator last wrote (compare-and-swap, Sunlight's rule),
 * so a second writer on the same database cannot publish a fork. The tree is a pure function of
 * the append-only log, so whatever a crash interrupts is recomputed identically on restart.
 *
 * Shared (several relay nodes on one database, all signing with the same log key): any node
 * may integrate, and the compare-and-swap picks one winner per step. A loser stored nothing —
 * its tiles included (Sunlight issue #11) — and adopts what the winner stored: it checks the
 * stored note's signature under its own key, resumes its tile builder from the stored tiles
 * (checked against that note's root) and checks the new tree is consistent with the last one
 * it knew, then folds on from there. Before each pass it adopts a newer stored checkpoint the
 * same way, so nodes that learn of the same growth mostly do not race at all.
 */
import {
  formatCheckpoint,
  leafHash,
  noteSigner,
  parseCheckpoint,
  consistencyProof,
  noteVerifier,
  parseNote,
  signNote,
  TileBuilder,
  TileHashReader,
  verifierKeyOf,
  verifyConsistency,
  verifyNote,
  type NoteSigner,
  type SignerKey,
  type Tile,
} from '@hotline/log';
import type { CheckpointStore, LogReader } from './storage/interfaces.js';

/** What integration reads and writes: the log's records, the tree's tiles and checkpoint. */
export interface IntegratorStores {
  readonly log: Pick<LogReader, 'readRecords'>;
  readonly tree: CheckpointStore;
}

export interface IntegratorOptions {
  readonly intervalMs: number;
  /** Entries durably sequenced when integration starts. */
  readonly logSize: number;
  /** Entries folded per database read. */
  readonly chunk?: number;
  /** A checkpoint this integrator signed and stored, or adopted from another node. */
  readonly onCheckpoint?: (size: number, note: string) => void;
  readonly onError?: (error: Error) => void;
  /**
   * The database is shared with other integrators signing with the same key: a lost
   * compare-and-swap is expected (adopt the winner's checkpoint) rather than a fault (stop).
   */
  readonly shared?: boolean;
}

const RETRY_AFTER_ERROR_MS = 500;

export class Integrator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastSignedAt = 0;
  private stopped = false;
  /** A pass failed after folding: the builder may be ahead of what is stored. */
  private rewindPending = false;
  /** After a failed pass, not before this (ms): a storage outage is not retried in a tight loop. */
  private retryAt = 0;
  private current: { size: number; note: string; rootHash: Uint8Array } | undefined;
  private readonly signer: NoteSigner;
  /** Entries known to be durably sequenced; only grows (told by the log writer). */
  private logSize: number;

  private constructor(
    private readonly stores: IntegratorStores,
    private readonly key: SignerKey,
    private builder: TileBuilder,
    private readonly options: IntegratorOptions,
    stored: { size: number; note: string; rootHash: Uint8Array } | undefined,
  ) {
    this.current = stored;
    this.signer = noteSigner(key);
    this.logSize = options.logSize;
  }

  /** Rebuilds the tree's right edge from stored tiles, checked against the stored checkpoint. */
  static async open(stores: IntegratorStores, key: SignerKey, options: IntegratorOptions): Promise<Integrator> {
    const size = await stores.tree.integratedSize();
    const stored = await stores.tree.checkpoint();
    let storedRoot: Uint8Array | undefined;
    if (stored !== undefined) {
      const note = parseNote(stored.note);
      const checkpoint = note.ok ? parseCheckpoint(note.value.text) : undefined;
      if (checkpoint === undefined || !checkpoint.ok) throw new Error('stored checkpoint is unreadable');
      storedRoot = checkpoint.value.rootHash;
    }
    const expectedRoot = stored !== undefined && stored.size === size ? storedRoot : undefined;
    if (stored !== undefined && stored.size > size) throw new Error(`stored checkpoint size ${stored.size} is beyond the integrated size ${size}: database is inconsistent`);
    const resumed = await TileBuilder.resume(size, async (level, index, width) => (await stores.tree.getTile(level, index))?.hashes.subarray(0, width * 32), expectedRoot);
    if (!resumed.ok) throw new Error(`cannot resume the log's tiles: ${resumed.error.message}`);
    return new Integrator(stores, key, resumed.value, options, stored === undefined ? undefined : { size: stored.size, note: stored.note, rootHash: storedRoot! });
  }

  get checkpoint(): { size: number; note: string } | undefined {
    return this.current === undefined ? undefined : { size: this.current.size, note: this.current.note };
  }

  /** Starts the loop; an initial pass publishes a checkpoint if the log grew while we were down. */
  start(): void {
    void this.integrate();
  }

  /** Called after entries are sequenced: integrate now, or as soon as the interval allows. */
  notify(logSize: number): void {
    this.logSize = Math.max(this.logSize, logSize);
    if (this.stopped || this.timer !== undefined || this.logSize <= this.builder.size) return;
    const wait = Math.max(0, this.lastSignedAt + this.options.intervalMs - Date.now(), this.retryAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.integrate();
    }, wait);
  }

  /** Folds every sequenced entry into tiles and signs a checkpoint if the tree grew. */
  async integrate(): Promise<void> {
    if (this.stopped || this.running !== undefined) return;
    this.running = this.fold();
    await this.running;
    this.running = undefined;
    if (this.logSize > this.builder.size) this.notify(this.logSize);
  }

  /** Resolves once an integration in progress (if any) has finished. */
  async settle(): Promise<void> {
    await this.running;
  }

  private async fold(): Promise<void> {
    try {
      if (this.rewindPending) await this.rewind();
      if (this.options.shared === true) await this.adoptNewer();
      const tiles = await this.foldNewEntries();
      const size = this.builder.size;
      if (tiles.length > 0 || this.current === undefined || this.current.size < size) await this.publish(tiles, size);
    } catch (error) {
      // What this pass folded may not be stored (a failed read or write): the next pass starts
      // from the stored tree again, or its checkpoint would sign over tiles nobody stored.
      this.rewindPending = true;
      this.retryAt = Date.now() + RETRY_AFTER_ERROR_MS;
      await this.rewind().catch(() => undefined);
      this.options.onError?.(error as Error);
    }
  }

  /** Puts the tile builder back at the last checkpoint stored (signed or adopted). */
  private async rewind(): Promise<void> {
    const size = this.current?.size ?? 0;
    if (this.builder.size !== size) {
      const resumed =
        this.current === undefined
          ? { ok: true as const, value: TileBuilder.empty() }
          : await TileBuilder.resume(size, async (level, index, width) => (await this.stores.tree.getTile(level, index))?.hashes.subarray(0, width * 32), this.current.rootHash);
      if (!resumed.ok) throw new Error(`cannot resume the log's tiles at ${size}: ${resumed.error.message}`);
      this.builder = resumed.value;
    }
    this.rewindPending = false;
  }

  private async foldNewEntries(): Promise<Tile[]> {
    const target = this.logSize;
    if (target <= this.builder.size) return [];
    const chunk = this.options.chunk ?? 65_536;
    const full: Tile[] = [];
    while (this.builder.size < target) {
      const records = await this.stores.log.readRecords(this.builder.size, Math.min(target, this.builder.size + chunk));
      if (records.length === 0) throw new Error(`log entries from ${this.builder.size} are missing`);
      full.push(...this.builder.append(records.map(leafHash)));
    }
    return [...full, ...this.builder.partialTiles()];
  }

  /** Signs the new tree head and stores it with its tiles in one compare-and-swap commit. */
  private async publish(tiles: readonly Tile[], size: number): Promise<void> {
    const text = formatCheckpoint({ origin: this.key.name, size, rootHash: this.builder.root(), extensions: [] });
    const note = signNote(text, [this.signer]);
    const rootHash = this.builder.root();
    if (!(await this.stores.tree.integrate(tiles, size, this.current?.size, note))) {
      if (this.options.shared !== true) {
        this.stopped = true;
        throw new Error('the stored checkpoint changed under us: another writer is using this database; integration stopped');
      }
      // Another node integrated first and stored its tiles; we stored nothing. Take its tree.
      await this.adoptNewer();
      return;
    }
    this.current = { size, note, rootHash };
    this.lastSignedAt = Date.now();
    this.options.onCheckpoint?.(size, note);
  }

  /**
   * Adopts the stored checkpoint if it is newer than ours: signed by our own key, its tiles
   * matching its root, and consistent with the tree we last signed or adopted. Anything else
   * is a fork in our own database: integration stops rather than sign on top of it.
   */
  private async adoptNewer(): Promise<void> {
    const stored = await this.stores.tree.checkpoint();
    if (stored === undefined || (this.current !== undefined && stored.size <= this.current.size)) {
      if (stored !== undefined && this.current !== undefined && stored.size === this.current.size && stored.note !== this.current.note) {
        this.refuse(`the stored checkpoint of size ${stored.size} differs from the one this node signed at that size`);
      }
      return;
    }
    const verified = verifyNote(stored.note, [noteVerifier(verifierKeyOf(this.key))]);
    const parsed = verified.ok ? parseCheckpoint(verified.value.text) : undefined;
    if (parsed === undefined || !parsed.ok || parsed.value.size !== stored.size || parsed.value.origin !== this.key.name) {
      this.refuse(`the stored checkpoint of size ${stored.size} is not a checkpoint of this log signed by its key`);
    }
    const rootHash = parsed.value.rootHash;
    const readTile = async (level: number, index: number, width: number) => (await this.stores.tree.getTile(level, index))?.hashes.subarray(0, width * 32);
    const resumed = await TileBuilder.resume(stored.size, readTile, rootHash);
    if (!resumed.ok) this.refuse(`the stored tiles do not match the stored checkpoint of size ${stored.size}: ${resumed.error.message}`);
    if (this.current !== undefined && this.current.size > 0) {
      const reader = new TileHashReader(stored.size, async (level, index, width) => {
        const hashes = await readTile(level, index, width);
        if (hashes === undefined || hashes.length < width * 32) throw new Error(`tile ${level}/${index} missing`);
        return hashes;
      });
      const proof = await consistencyProof(this.current.size, stored.size, reader);
      const consistent = proof.ok ? verifyConsistency(this.current.size, stored.size, proof.value, this.current.rootHash, rootHash) : proof;
      if (!consistent.ok) this.refuse(`the stored checkpoint of size ${stored.size} is not consistent with size ${this.current.size}: ${consistent.error.message}`);
    }
    this.builder = resumed.value;
    this.current = { size: stored.size, note: stored.note, rootHash };
    this.logSize = Math.max(this.logSize, stored.size);
    this.options.onCheckpoint?.(stored.size, stored.note);
  }

  private refuse(message: string): never {
    this.stopped = true;
    throw new Error(`${message}; integration stopped`);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
