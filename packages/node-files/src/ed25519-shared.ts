/**
 * Verifies a batch of Ed25519 signatures on the pool's threads AND the calling thread (`hotline
 * verify --workers N` is N threads in all: N − 1 in the pool, and this one). The threads start
 * at once on chunks of the batch; this thread joins in only when the caller next waits — the
 * record verifier hands over its batch, runs its own checks, and then awaits the answers — so on
 * two cores two threads work, not three, and one V8 isolate fewer is resident.
 */
import type { Ed25519Pool, PoolSignatureCheck } from './ed25519-pool.js';
import { verifyEd25519 } from './ed25519-verify.js';

const CHUNK = 256;
/** Chunks kept in flight per pool thread, so a thread never waits for this one to hand it more. */
const AHEAD = 2;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function sharedEd25519Verifier(pool: Ed25519Pool | undefined): (items: readonly PoolSignatureCheck[]) => Promise<boolean[]> {
  return async (items) => {
    const results = new Array<boolean>(items.length);
    let next = 0;
    const take = (): [number, number] | undefined => {
      if (next >= items.length) return undefined;
      const start = next;
      next = Math.min(items.length, next + CHUNK);
      return [start, next];
    };
    const feed = async (): Promise<void> => {
      for (let range = take(); range !== undefined; range = take()) {
        const [start, end] = range;
        const answers = await pool!.verify(items.slice(start, end));
        answers.forEach((valid, i) => (results[start + i] = valid));
      }
    };
    const feeding = pool === undefined ? [] : Array.from({ length: pool.size * AHEAD }, feed);
    await nextTurn(); // the caller's synchronous work runs first; this thread helps once it waits
    for (let range = take(); range !== undefined; range = take()) {
      const [start, end] = range;
      for (let i = start; i < end; i++) results[i] = verifyEd25519(items[i]!.publicKey, items[i]!.message, items[i]!.signature);
      await nextTurn(); // let the pool's answers in, so its threads get their next chunk
    }
    await Promise.all(feeding);
    return results;
  };
}
