/**
 * Verifies a batch of Ed25519 signatures on the pool's threads AND the calling thread (`hotline
 * verify --workers N` is N threads in all: N − 1 in the pool, and this one). The threads start
 * at once on chunks of the batch (ed25519-shared-batch.ts); this thread joins in only when the caller next waits — the
 * record verifier hands over its batch, runs its own checks, and then awaits the answers — so on
 * two cores two threads work, not three, and one V8 isolate fewer is resident.
 */
import type { Ed25519Pool, PoolSignatureCheck } from './ed25519-pool.js';
import { packSharedBatch, sharedBatchResults, workOnSharedBatch } from './ed25519-shared-batch.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function sharedEd25519Verifier(pool: Ed25519Pool | undefined): (items: readonly PoolSignatureCheck[]) => Promise<boolean[]> {
  return async (items) => {
    const shared = packSharedBatch(items);
    // The pool's threads claim chunks from shared memory on their own: they need nothing more
    // from this thread, which may stay busy with its own checks as long as it likes.
    const threads = pool?.startShared(shared);
    await nextTurn(); // the caller's synchronous work runs first; this thread helps once it waits
    workOnSharedBatch(shared);
    await threads;
    return sharedBatchResults(shared, items);
  };
}
