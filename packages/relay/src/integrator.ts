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
 */
import {
  formatCheckpoint,
  leafHash,
  noteSigner,
  parseCheckpoint,
  parseNote,
  signNote,
  TileBuilder,
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
  readonly onCheckpoint?: (size: number, note: string) => void;
  readonly onError?: (error: Error) => void;
}

export class Integrator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastSignedAt = 0;
  private stopped = false;
  private current: { size: number; note: string } | undefined;
  private readonly signer: NoteSigner;
  /** Entries known to be durably sequenced; only grows (told by the log writer). */
  private logSize: number;

  private constructor(
    private readonly stores: IntegratorStores,
    private readonly key: SignerKey,
    private readonly builder: TileBuilder,
    private readonly options: IntegratorOptions,
    stored: { size: number; note: string } | undefined,
  ) {
    this.current = stored;
    this.signer = noteSigner(key);
    this.logSize = options.logSize;
  }

  /** Rebuilds the tree's right edge from stored tiles, checked against the stored checkpoint. */
  static async open(stores: IntegratorStores, key: SignerKey, options: IntegratorOptions): Promise<Integrator> {
    const size = await stores.tree.integratedSize();
    const stored = await stores.tree.checkpoint();
    let expectedRoot: Uint8Array | undefined;
    if (stored !== undefined && stored.size === size) {
      const note = parseNote(stored.note);
      const checkpoint = note.ok ? parseCheckpoint(note.value.text) : undefined;
      if (checkpoint === undefined || !checkpoint.ok) throw new Error('stored checkpoint is unreadable');
      expectedRoot = checkpoint.value.rootHash;
    }
    if (stored !== undefined && stored.size > size) throw new Error(`stored checkpoint size ${stored.size} is beyond the integrated size ${size}: database is inconsistent`);
    const resumed = await TileBuilder.resume(size, async (level, index, width) => (await stores.tree.getTile(level, index))?.hashes.subarray(0, width * 32), expectedRoot);
    if (!resumed.ok) throw new Error(`cannot resume the log's tiles: ${resumed.error.message}`);
    return new Integrator(stores, key, resumed.value, options, stored);
  }

  get checkpoint(): { size: number; note: string } | undefined {
    return this.current;
  }

  /** Starts the loop; an initial pass publishes a checkpoint if the log grew while we were down. */
  start(): void {
    void this.integrate();
  }

  /** Called after entries are sequenced: integrate now, or as soon as the interval allows. */
  notify(logSize: number): void {
    this.logSize = Math.max(this.logSize, logSize);
    if (this.stopped || this.timer !== undefined || this.logSize <= this.builder.size) return;
    const wait = Math.max(0, this.lastSignedAt + this.options.intervalMs - Date.now());
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
      const tiles = await this.foldNewEntries();
      const size = this.builder.size;
      if (tiles.length > 0 || this.current === undefined || this.current.size < size) await this.publish(tiles, size);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
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
    if (!(await this.stores.tree.integrate(tiles, size, this.current?.size, note))) {
      this.stopped = true;
      throw new Error('the stored checkpoint changed under us: another writer is using this database; integration stopped');
    }
    this.current = { size, note };
    this.lastSignedAt = Date.now();
    this.options.onCheckpoint?.(size, note);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
