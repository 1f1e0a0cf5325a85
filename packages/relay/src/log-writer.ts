/**
 * The main thread's handle on the log's three threads (storage/sqlite/*-worker.ts):
 *
 * - the writer commits group-commit batches (fsync off the main thread);
 * - the integrator folds new entries into tiles and signs checkpoints;
 * - the checkpointer copies the WAL back into the database (PASSIVE, never blocking writers).
 *
 * It sends batches, resolves them with their durable placements, tells the integrator how far
 * the log has grown, and tracks the latest signed checkpoint.
 */
import { MessageChannel, Worker, type Transferable } from 'node:worker_threads';
import type { SignerKey } from '@hotline/log';
import { decodePlaced, encodeBatch } from './storage/batch-codec.js';
import type { Placement, SequenceItem } from './storage/store.js';

type FromWriter =
  | { type: 'ready'; logSize: number }
  | { type: 'appended'; id: number; placed: ArrayBuffer; logSize: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

type FromIntegrator =
  | { type: 'ready'; checkpoint: { size: number; note: string } | undefined }
  | { type: 'checkpoint'; size: number; note: string }
  | { type: 'error'; message: string }
  | { type: 'closed' };

export interface LogWriterOptions {
  readonly databasePath: string;
  readonly key: SignerKey;
  readonly checkpointIntervalMs: number;
  readonly onError: (message: string) => void;
  /** Each newly signed checkpoint (its tiles are already stored). */
  readonly onCheckpoint?: (size: number, note: string) => void;
}

function thread(file: string, workerData: unknown, transferList: Transferable[] = []): Worker {
  return new Worker(new URL(`./storage/sqlite/${file}`, import.meta.url), { workerData, transferList });
}

/** Resolves with the thread's first message ('ready'), or rejects if it fails to start. */
function ready<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: T) => {
      worker.off('error', reject);
      resolve(message);
    });
  });
}

/** Sends 'close' and waits for the thread to exit. */
function closeThread(worker: Worker, message: object): Promise<void> {
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage(message);
  });
}

export class LogWriter {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (placed: Placement[]) => void; reject: (error: Error) => void }>();
  private latest: { size: number; note: string } | undefined;
  private logSize: number;
  private dead: Error | undefined;

  private constructor(
    private readonly writer: Worker,
    private readonly integrator: Worker,
    private readonly checkpointer: Worker,
    private readonly options: LogWriterOptions,
    initial: { logSize: number; checkpoint: { size: number; note: string } | undefined },
  ) {
    this.logSize = initial.logSize;
    this.latest = initial.checkpoint;
    writer.on('message', (m: FromWriter) => this.onWriter(m));
    integrator.on('message', (m: FromIntegrator) => this.onIntegrator(m));
    checkpointer.on('message', (m: { message: string }) => options.onError(m.message));
    for (const [name, worker] of [['writer', writer], ['integrator', integrator], ['checkpointer', checkpointer]] as const) {
      worker.on('error', (error) => this.fail(new Error(`log ${name} thread failed: ${error.message}`)));
    }
    writer.on('exit', (code) => code !== 0 && this.fail(new Error(`log writer thread exited with code ${code}`)));
  }

  static async start(options: LogWriterOptions): Promise<LogWriter> {
    // A direct channel between integrator and writer: integration writes skip the main thread.
    const { port1, port2 } = new MessageChannel();
    const writer = thread('log-writer-worker.js', { path: options.databasePath, integrator: port1 }, [port1]);
    const writerReady = await ready<Extract<FromWriter, { type: 'ready' }>>(writer);
    const integrator = thread(
      'integrator-worker.js',
      { path: options.databasePath, keyName: options.key.name, keySeed: options.key.seed, checkpointIntervalMs: options.checkpointIntervalMs, writer: port2 },
      [port2],
    );
    const integratorReady = await ready<Extract<FromIntegrator, { type: 'ready' }>>(integrator);
    const checkpointer = thread('wal-checkpointer-worker.js', { path: options.databasePath, intervalMs: 200 });
    return new LogWriter(writer, integrator, checkpointer, options, { logSize: writerReady.logSize, checkpoint: integratorReady.checkpoint });
  }

  private fail(error: Error): void {
    if (this.dead !== undefined) return;
    this.dead = error;
    this.options.onError(error.message);
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  private onWriter(message: FromWriter): void {
    if (message.type === 'appended') {
      if (message.logSize > this.logSize) {
        this.logSize = message.logSize;
        this.integrator.postMessage({ type: 'grew', size: message.logSize });
      }
      this.waiting.get(message.id)?.resolve(decodePlaced(message.placed));
      this.waiting.delete(message.id);
    } else if (message.type === 'failed') {
      this.waiting.get(message.id)?.reject(new Error(message.message));
      this.waiting.delete(message.id);
    }
  }

  private onIntegrator(message: FromIntegrator): void {
    if (message.type === 'checkpoint') {
      this.latest = { size: message.size, note: message.note };
      this.options.onCheckpoint?.(message.size, message.note);
    }
    else if (message.type === 'error') this.options.onError(`integration: ${message.message}`);
  }

  /** Durable placements (or epoch refusals) for a batch, in order; rejects if the batch could not be committed. */
  append(items: readonly SequenceItem[], receivedAt: number): Promise<Placement[]> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const batch = encodeBatch(items);
      this.writer.postMessage({ type: 'append', id, batch, receivedAt }, [batch.buffer]);
    });
  }

  get checkpoint(): { size: number; note: string } | undefined {
    return this.latest;
  }

  get size(): number {
    return this.logSize;
  }

  get healthy(): boolean {
    return this.dead === undefined;
  }

  /** Stops the writer, signs a final checkpoint covering everything, then stops the others. */
  async close(): Promise<void> {
    if (this.dead !== undefined) {
      await Promise.all([this.writer, this.integrator, this.checkpointer].map((w) => w.terminate()));
      return;
    }
    // Integrator first: its final checkpoint is written through the writer thread.
    await closeThread(this.integrator, { type: 'close', size: this.logSize });
    await closeThread(this.writer, { type: 'close' });
    await closeThread(this.checkpointer, { type: 'close' });
  }
}
