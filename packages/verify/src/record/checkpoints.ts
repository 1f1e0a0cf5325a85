/**
 * Checkpoints (record.md step 3): the final one and every earlier one are signed by the policy's
 * log and cosigned by a quorum of its witnesses, and each earlier one is consistent with the
 * final one — the log the bundle's proofs rest on never rewrote what those checkpoints showed.
 */
import { verifyCheckpointWithPolicy, verifyConsistency, type Policy, type PolicyCheckpoint } from '@hotline/log';
import type { DecodedBundle } from './bundle-json.js';
import { stop } from './failure.js';

export function checkCheckpoints(bundle: DecodedBundle, policy: Policy): PolicyCheckpoint[] {
  const verified = bundle.checkpoints.map((note, i) => {
    const result = verifyCheckpointWithPolicy(note, policy);
    if (!result.ok) return stop('checkpoints', `checkpoint ${i}`, result.error.code, result.error.message);
    return result.value;
  });
  const final = verified[0]!.checkpoint;
  for (let i = 1; i < verified.length; i++) {
    const earlier = verified[i]!.checkpoint;
    const item = `checkpoint ${i}`;
    if (earlier.origin !== final.origin) stop('checkpoints', item, 'origin_mismatch', `is from log ${JSON.stringify(earlier.origin)}, not ${JSON.stringify(final.origin)}`);
    if (i > 1 && earlier.size <= verified[i - 1]!.checkpoint.size) stop('checkpoints', item, 'checkpoint_order', 'earlier checkpoints must be in strictly ascending size');
    const consistent = verifyConsistency(earlier.size, final.size, bundle.consistency[i - 1]!, earlier.rootHash, final.rootHash);
    if (!consistent.ok) stop('checkpoints', item, consistent.error.code, `not consistent with checkpoint 0: ${consistent.error.message}`);
  }
  return verified;
}
