/**
 * One thread of the Ed25519 pool (ed25519-pool.ts): receives a packed batch, answers one byte
 * per signature (1 valid, 0 not). Packing: per item, [32] public key | [64] signature | u32 length
 * | message. A zero key never verifies (the pool sends zeros for a key of the wrong length).
 */
import { parentPort } from 'node:worker_threads';
import { verifyEd25519 } from './ed25519-verify.js';
import { workOnSharedBatch } from './ed25519-shared-batch.js';

function verifyPacked(packed: Uint8Array, count: number): Uint8Array {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const publicKey = packed.subarray(at, at + 32);
    const signature = packed.subarray(at + 32, at + 96);
    const length = view.getUint32(at + 96);
    const message = packed.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    results[i] = verifyEd25519(publicKey, message, signature) ? 1 : 0;
  }
  return results;
}

parentPort!.on('message', (job: { id: number; packed: Uint8Array; count: number } | { id: number; shared: SharedArrayBuffer }) => {
  if ('shared' in job) {
    workOnSharedBatch(job.shared); // results are written into the shared buffer
    parentPort!.postMessage({ id: job.id, results: new Uint8Array(0) });
    return;
  }
  const results = verifyPacked(job.packed, job.count);
  parentPort!.postMessage({ id: job.id, results }, [results.buffer as ArrayBuffer]);
});
