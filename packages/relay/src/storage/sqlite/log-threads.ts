/**
 * The main thread's handles on the SQLite backend's three threads (*-worker.ts):
 *
 * - the writer commits group-commit batches (fsync off the main thread);
 * - the integrator folds new entries into tiles and signs checkpoints;
 * - the checkpointer copies the WAL back into the database (PASSIVE, never blocking writers).
 *
 * The writer and checkpointer run from the moment storage is opened; the integrator, which
 * holds the log's signing key, only once the relay starts integration. Its writes reach the
 * writer over a direct MessagePort, so the database keeps a single writing connection.
 */
import { MessageChannel, Worker, type MessagePort, type Transferable } from 'node:worker_threads';
import type { Integration, IntegrationOptions } from '../interfaces.js';
import type { Placement, SequenceItem, StoredCheckpoint } from '../records.js';
import { decodePlaced, encodeBatch } from './batch-codec.js';

type FromWriter =
  | { type: 'ready'; logSize: number }
  | { type: 'appended'; id: number; placed: ArrayBuffer; logSize: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

type FromIntegrator =
  | { type: 'ready'; checkpoint: StoredCheckpoint | undefined }
  | { type: 'checkpoint'; size: number; note: string }
  | { type: 'error'; message: string }
  | { type: 'closed' };

function thread(file: string, workerData: unknown, transferList: Transferable[] = []): Worker {
  return new Worker(new URL(`./${file}`, import.meta.url), { workerData, transferList });
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
    if (worker.threadId === -1) return resolve(); // already exited
    worker.once('exit', () => resolve());
    worker.postMessage(message);
  });
}

/** The log writer and WAL checkpointer threads: durable batches and the durable log size. */
export class WriterThreads {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (placed: Placement[]) => void; reject: (error: Error) => void }>();
  private size: number;
  private dead: Error | undefined;

  private constructor(
    private readonly writer: Worker,
    private readonly checkpointer: Worker,
    logSize: number,
    private readonly onError: (message: string) => void,
  ) {
    this.size = logSize;
    writer.on('message', (m: FromWriter) => this.onWriter(m));
    checkpointer.on('message', (m: { message: string }) => onError(m.message));
    for (const [name, worker] of [['writer', writer], ['checkpointer', checkpointer]] as const) {
      worker.on('error', (error) => this.fail(new Error(`log ${name} thread failed: ${error.message}`)));
    }
    writer.on('exit', (code) => code !== 0 && this.fail(new Error(`log writer thread exited with code ${code}`)));
  }

  static async start(path: string, onError: (message: string) => void): Promise<WriterThreads> {
    const writer = thread('log-writer-worker.js', { path });
    const { logSize } = await ready<Extract<FromWriter, { type: 'ready' }>>(writer);
    const checkpointer = thread('wal-checkpointer-worker.js', { path, intervalMs: 200 });
    return new WriterThreads(writer, checkpointer, logSize, onError);
  }

  private fail(error: Error): void {
    if (this.dead !== undefined) return;
    this.dead = error;
    this.onError(error.message);
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  private onWriter(message: FromWriter): void {
    if (message.type === 'appended') {
      this.size = Math.max(this.size, message.logSize);
      this.waiting.get(message.id)?.resolve(decodePlaced(message.placed));
      this.waiting.delete(message.id);
    } else if (message.type === 'failed') {
      this.waiting.get(message.id)?.reject(new Error(message.message));
      this.waiting.delete(message.id);
    }
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

  get logSize(): number {
    return this.size;
  }

  get healthy(): boolean {
    return this.dead === undefined;
  }

  /** Gives the writer one end of a port the integrator writes through. */
  connectIntegrator(port: MessagePort): void {
    this.writer.postMessage({ type: 'integrator', port }, [port]);
  }

  /** Stops both threads; batches still in flight are answered first (the writer is FIFO). */
  async close(): Promise<void> {
    if (this.dead !== undefined) {
      await Promise.all([this.writer, this.checkpointer].map((w) => w.terminate()));
      return;
    }
    await closeThread(this.writer, { type: 'close' });
    await closeThread(this.checkpointer, { type: 'close' });
  }
}

/** Integration on its own thread: the only place, with the relay's start-up, that holds the key. */
export async function startIntegrationThread(path: string, writer: WriterThreads, options: IntegrationOptions): Promise<Integration> {
  const { port1, port2 } = new MessageChannel();
  writer.connectIntegrator(port1);
  const worker = thread(
    'integrator-worker.js',
    { path, keyName: options.key.name, keySeed: options.key.seed, checkpointIntervalMs: options.intervalMs, logSize: writer.logSize, writer: port2 },
    [port2],
  );
  const started = await ready<Extract<FromIntegrator, { type: 'ready' }>>(worker);
  let latest = started.checkpoint;
  let dead = false;
  worker.on('message', (message: FromIntegrator) => {
    if (message.type === 'checkpoint') {
      latest = { size: message.size, note: message.note };
      options.onCheckpoint(message.size, message.note);
    } else if (message.type === 'error') options.onError(`integration: ${message.message}`);
  });
  worker.on('error', (error) => {
    dead = true;
    options.onError(`log integrator thread failed: ${error.message}`);
  });
  let size = writer.logSize;
  return {
    get checkpoint() {
      return latest;
    },
    notify(grown: number): void {
      if (grown <= size) return;
      size = grown;
      worker.postMessage({ type: 'grew', size });
    },
    // Before the writer closes: the final checkpoint is written through the writer thread.
    close: () => (dead ? worker.terminate().then(() => undefined) : closeThread(worker, { type: 'close', size })),
  };
}
