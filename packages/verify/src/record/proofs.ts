/**
 * Proofs (record.md step 4): one batched inclusion proof places every leaf the bundle relies on —
 * each directory record and each rebuilt channel record — at its log index under the final
 * checkpoint's root. A batched proof cannot say which leaf is wrong, only that the set is not in
 * the tree; the failure names the proof.
 */
import { leafHash, verifyMultiInclusion, type Checkpoint, type IndexedLeaf } from '@hotline/log';
import type { DecodedBundle } from './bundle-json.js';
import { stop } from './failure.js';
import type { RebuiltRecord } from './rebuild.js';

export function checkInclusion(bundle: DecodedBundle, channel: readonly RebuiltRecord[], final: Checkpoint): void {
  const leaves: IndexedLeaf[] = [];
  for (const party of bundle.directory) for (const e of party.entries) leaves.push({ index: e.logIndex, hash: leafHash(e.record) });
  for (const r of channel) leaves.push({ index: r.logIndex, hash: r.leaf });
  leaves.sort((a, b) => a.index - b.index);
  for (let i = 1; i < leaves.length; i++) {
    if (leaves[i]!.index === leaves[i - 1]!.index) stop('proofs', `log index ${leaves[i]!.index}`, 'duplicate_index', 'two records of the bundle claim this log index');
  }
  const included = verifyMultiInclusion(leaves, final.size, bundle.inclusion, final.rootHash);
  if (!included.ok) stop('proofs', 'inclusion', included.error.code, `the batched inclusion proof of ${leaves.length} records does not reach checkpoint 0 (size ${final.size}): ${included.error.message}`);
}
