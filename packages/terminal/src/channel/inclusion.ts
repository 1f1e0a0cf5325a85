/**
 * Inclusion of a channel's log record, as the terminal checks it: records its log scans proved
 * (every record under the held checkpoint, hashed into the root) are compared byte for byte;
 * any other (the channel was not known yet when it was scanned, or the scan failed — the
 * relay's entry bundles disagreeing with its tiles is its own alert) gets an inclusion proof
 * from tiles; anything beyond the held checkpoint is pending.
 */
import { bytesEqual } from '@hotline/log';
import type { Terminal } from '../terminal.js';
import { inclusionFromTiles, type InclusionCheck } from '../verify/inclusion.js';

export function terminalInclusion(t: Terminal): InclusionCheck {
  const fromTiles = inclusionFromTiles(t.monitor, (l, n, w) => t.relay.tile(l, n, w));
  return async (logIndex, record) => {
    const proven = t.provenRecord(logIndex);
    if (proven !== undefined) {
      return bytesEqual(proven, record) ? { state: 'included' } : { state: 'not_included', message: `log index ${logIndex} holds another record in the proven log` };
    }
    return fromTiles(logIndex, record); // pending beyond the held checkpoint

  };
}
