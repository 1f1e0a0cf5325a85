/**
 * Group commit. Submissions queue up while a batch is being written; the next batch takes all
 * of them (up to `maxBatch`) in one transaction, so one fsync covers many envelopes. A
 * submission resolves only after its batch is durable. Beyond `maxPending` queued items the
 * sequencer refuses new work (the caller answers 503 with Retry-After): memory stays bounded
 * and acknowledged work is never dropped.
 */
import { isRefusal, type Placement, type Sequenced, type SequenceItem } from './storage/records.js';
import { epochCommitted, overloaded, RelayError } from './errors.js';

/** Commits a batch durably (the log writer thread) and returns each item's placement or refusal. */
export type CommitBatch = (items: readonly SequenceItem[], receivedAt: number) => Promise<Placement[]>;

export interface SequencerOptions {
  readonly maxPending: number;
  /** Bytes of queued bodies beyond which new work is refused (envelopes can be 256 KiB). */
  readonly maxPendingBytes?: number;
  readonly maxBatch: number;
  /** Batches sent to the writer before the first is acknowledged: keeps the disk busy. */
  readonly maxBatchesInFlight?: number;
  /** Called after each durable batch, with each new (non-duplicate) item and its placement. */
  readonly onCommitted: (committed: readonly { item: SequenceItem; placed: Sequenced }[]) => void;
  readonly onBatch?: (size: number, milliseconds: number) => void;
  readonly now?: () => number;
}

interface Pending {
  readonly item: SequenceItem;
  readonly resolve: (placed: Sequenced) => void;
  readonly reject: (error: Error) => void;
}

export class Sequencer {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  private committing = 0;
  private pendingBytes = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly commitBatch: CommitBatch,
    private readonly options: SequencerOptions,
  ) {}

  /** Submissions not yet durable (queued or in a batch being committed). */
  get pending(): number {
    return this.queue.length + this.committing;
  }


  submit(item: SequenceItem): Promise<Sequenced> {
    if (this.closed) return Promise.reject(overloaded('relay is shutting down', 5));
    if (this.pending >= this.options.maxPending || this.pendingBytes + item.body.length > (this.options.maxPendingBytes ?? Infinity)) {
      return Promise.reject(overloaded(`sequencer queue is full (${this.pending} items, ${this.pendingBytes} bytes pending); retry shortly`));
    }
    this.pendingBytes += item.body.length;
    return new Promise<Sequenced>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    }).finally(() => {
      this.pendingBytes -= item.body.length;
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the current I/O phase: everything that arrived in it joins the batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const limit = this.options.maxBatchesInFlight ?? 2;
    while (this.queue.length > 0 && this.inFlight < limit) {
      void this.commit(this.queue.splice(0, this.options.maxBatch));
    }
    this.wakeIfIdle();
  }

  private wakeIfIdle(): void {
    if (this.queue.length === 0 && this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    this.inFlight++;
    this.committing += batch.length;
    const start = performance.now();
    let placed: Placement[] | undefined;
    try {
      placed = await this.commitBatch(
        batch.map((p) => p.item),
        (this.options.now ?? Date.now)(),
      );
    } catch (error) {
      const failure = new RelayError(503, 'storage_failed', `storage could not commit: ${(error as Error).message}`, 1);
      for (const p of batch) p.reject(failure);
    } finally {
      this.inFlight--;
      this.committing -= batch.length;
    }
    if (placed !== undefined) {
      this.options.onBatch?.(batch.length, performance.now() - start);
      const committed: { item: SequenceItem; placed: Sequenced }[] = [];
      for (let i = 0; i < batch.length; i++) {
        const at = placed[i]!;
        // A refused handshake stored nothing; only its submitter hears of it.
        if (isRefusal(at)) {
          batch[i]!.reject(epochCommitted(at));
          continue;
        }
        if (!at.duplicate) committed.push({ item: batch[i]!.item, placed: at });
        batch[i]!.resolve(at);
      }
      if (committed.length > 0) this.options.onCommitted(committed);
    }
    if (this.queue.length > 0) this.schedule();
    else this.wakeIfIdle();
  }

  /** Stops taking work and resolves once everything already queued is durable. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.queue.length !== 0 || this.inFlight !== 0 || this.scheduled) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // Let every continuation of the last batch (its receipts) run before the caller hangs up.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
