/**
 * A worker_threads pool that verifies Ed25519 signatures (`hotline verify --workers N`, the
 * record bench): every thread claims chunks of one batch held in shared memory
 * (ed25519-shared-batch.ts), so a thread costs one message each way per batch, and the caller
 * may claim chunks too (ed25519-shared.ts).
 */
import { Worker } from 'node:worker_threads';

export interface PoolSignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface Ed25519Pool {
  readonly size: number;
  /**
   * Sets every thread of the pool claiming chunks of a shared batch (`packSharedBatch`) at once;
   * resolves when they have all run out of chunks.
   */
  startShared(buffer: SharedArrayBuffer): Promise<void>;
  /** Stops the threads; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

export function ed25519Pool(size: number): Ed25519Pool {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a pool needs at least one thread, not ${size}`);
  const workers = Array.from({ length: size }, () => new Worker(new URL('./ed25519-worker.js', import.meta.url)));
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.unref();
    worker.on('message', ({ id }: { id: number }) => {
      pending.get(id)?.resolve();
      pending.delete(id);
    });
    worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  }
  const runShared = (worker: Worker, shared: SharedArrayBuffer) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, shared });
    });
  return {
    size,
    async startShared(shared) {
      await Promise.all(workers.map((w) => runShared(w, shared)));
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
