/**
 * The channel's records by index (record.md step 6), now that the proofs placed them in the
 * log: seq A..B are contiguous by construction and chained from startChain (seq 1 from the
 * genesis chain), log indexes increase with seq, and the relay's receive times never go back.
 */
import { bytesEqual } from '@hotline/log';
import { channelTag, genesisChain, type Charter } from '@hotline/protocol';
import type { DecodedBundle } from './bundle-json.js';
import { stop } from './failure.js';
import type { RebuiltRecord } from './rebuild.js';

export function checkChannelRecords(bundle: DecodedBundle, charter: Charter, records: readonly RebuiltRecord[]): void {
  if (bundle.from === 1 && !bytesEqual(bundle.startChain, genesisChain(channelTag(charter.channelId)))) {
    stop('records', 'seq 1', 'wrong_start_chain', 'the range starts at seq 1, but startChain is not the channel\'s genesis chain');
  }
  for (let i = 1; i < records.length; i++) {
    const r = records[i]!;
    const previous = records[i - 1]!;
    if (r.logIndex <= previous.logIndex) stop('records', `seq ${r.seq}`, 'index_order', `log index ${r.logIndex} is not after seq ${previous.seq}'s ${previous.logIndex}`);
    if (r.receivedAt < previous.receivedAt) stop('records', `seq ${r.seq}`, 'time_order', `received at ${r.receivedAt}, before seq ${previous.seq} (${previous.receivedAt})`);
  }
}
