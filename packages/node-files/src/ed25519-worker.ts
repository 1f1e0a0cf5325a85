/**
 * One thread of the Ed25519 pool (ed25519-pool.ts): given a shared batch, claims and verifies
 * chunks until none is left (the answers are written into the shared buffer), then says so.
 */
import { parentPort } from 'node:worker_threads';
import { workOnSharedBatch } from './ed25519-shared-batch.js';

parentPort!.on('message', (job: { id: number; shared: SharedArrayBuffer }) => {
  workOnSharedBatch(job.shared);
  parentPort!.postMessage({ id: job.id });
});
