/** Proving a log record's inclusion under the checkpoint a LogMonitor holds, from the relay's tiles. */
import { inclusionProof, leafHash, TileHashReader, verifyInclusion, type LogMonitor, type TileFetcher } from '@hotline/log';
import type { InclusionCheck } from '@hotline/verify';

export type { InclusionCheck, InclusionVerdict } from '@hotline/verify';

/** `pending` until the monitor holds a checkpoint covering the index; then a proof or an alert. */
export function inclusionFromTiles(monitor: LogMonitor, fetchTile: TileFetcher): InclusionCheck {
  return async (logIndex, record) => {
    const held = monitor.held;
    if (held === undefined || logIndex >= held.size) return { state: 'pending' };
    const proof = await inclusionProof(logIndex, held.size, new TileHashReader(held.size, fetchTile));
    if (!proof.ok) return proof.error.code === 'tile_unavailable' ? { state: 'pending' } : { state: 'not_included', message: proof.error.message };
    const verified = verifyInclusion(leafHash(record), logIndex, held.size, proof.value, held.rootHash);
    return verified.ok ? { state: 'included' } : { state: 'not_included', message: `log index ${logIndex} is not in the checkpointed log: ${verified.error.message}` };
  };
}
