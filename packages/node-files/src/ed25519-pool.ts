/**
 * A worker_threads pool that verifies Ed25519 signatures in batches (`hotline verify --workers
 * N`, the record bench): a batch is split into one contiguous share per thread, each packed into
 * one transferable buffer, so a thread costs one message each way rather than one per signature.
 * The shape matches @hotline/verify's BatchSignatureVerifier without depending on it.
 */
import { Worker } from 'node:worker_threads';

export interface PoolSignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface Ed25519Pool {
  readonly size: number;
  verify(items: readonly PoolSignatureCheck[]): Promise<boolean[]>;
  /**
   * Puts a batch in shared memory and sets every thread of the pool claiming chunks of it at
   * once; resolves when they have all run out of chunks. The caller may claim chunks too
   * (`workOnSharedBatch`) — see ed25519-shared.ts.
   */
  startShared(buffer: SharedArrayBuffer): Promise<void>;
  /** Stops the threads; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

function pack(items: readonly PoolSignatureCheck[]): Uint8Array {
  let length = 0;
  for (const item of items) length += 100 + item.message.length;
  const packed = new Uint8Array(length);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const { publicKey, signature, message } of items) {
    // A key or signature of the wrong length is answered false by verify(); zeros keep the packing fixed.
    if (publicKey.length === 32) packed.set(publicKey, at);
    if (signature.length === 64) packed.set(signature, at + 32);
    view.setUint32(at + 96, message.length);
    packed.set(message, at + 100);
    at += 100 + message.length;
  }
  return packed;
}

export function ed25519Pool(size: number): Ed25519Pool {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a pool needs at least one thread, not ${size}`);
  const workers = Array.from({ length: size }, () => new Worker(new URL('./ed25519-worker.js', import.meta.url)));
  const pending = new Map<number, { resolve: (r: Uint8Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.unref();
    worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      pending.get(id)?.resolve(results);
      pending.delete(id);
    });
    worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  }
  const run = (worker: Worker, items: readonly PoolSignatureCheck[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const packed = pack(items);
      worker.postMessage({ id, packed, count: items.length }, [packed.buffer as ArrayBuffer]);
    });
  const runShared = (worker: Worker, shared: SharedArrayBuffer) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, shared });
    });
  return {
    size,
    async startShared(shared) {
      await Promise.all(workers.map((w) => runShared(w, shared)));
    },
    async verify(items) {
      const share = Math.ceil(items.length / size);
      const parts = workers.map((w, i) => items.slice(i * share, (i + 1) * share)).filter((p) => p.length > 0);
      const answers = await Promise.all(parts.map((part, i) => run(workers[i]!, part)));
      // A key or signature of the wrong length went as zeros: it is invalid whatever a thread said.
      return answers.flatMap((a) => Array.from(a, (b) => b === 1)).map((valid, i) => valid && items[i]!.publicKey.length === 32 && items[i]!.signature.length === 64);
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
