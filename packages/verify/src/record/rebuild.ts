/**
 * The channel's log records, rebuilt (record.md "Rebuilt records"): the bundle carries only the
 * fields that cannot be derived, in columns, and the verifier makes each 146-byte record from
 * them — kind 1, the channel tag, the seq, the envelope hash, the commitment as aux, the chain
 * hash from the previous one, the receive time — and its RFC 6962 leaf.
 */
import { leafHash } from '@hotline/log';
import { channelTag, encodeRecord, nextChain, RecordKind, type Charter } from '@hotline/protocol';
import { labelledCommitment } from './commitment.js';
import type { ChannelEntry, DecodedBundle } from './bundle-json.js';

export interface RebuiltRecord {
  readonly seq: number;
  readonly logIndex: number;
  readonly receivedAt: number;
  readonly aux: Uint8Array;
  readonly chainHash: Uint8Array;
  readonly leaf: Uint8Array;
  readonly entry: ChannelEntry;
}

const HANDSHAKE_AUX = new Uint8Array(32);

function auxOf(entry: ChannelEntry): Uint8Array {
  if ('statement' in entry) return labelledCommitment(entry.statement);
  if ('withheld' in entry) return entry.withheld;
  return HANDSHAKE_AUX;
}

export function rebuildChannelRecords(bundle: DecodedBundle, charter: Charter): RebuiltRecord[] {
  const streamTag = channelTag(charter.channelId);
  let chain = bundle.startChain;
  return bundle.entries.map((entry, i) => {
    const seq = bundle.from + i;
    const itemHash = bundle.envelopeHashes[i]!;
    const aux = auxOf(entry);
    chain = nextChain(chain, itemHash);
    const receivedAt = bundle.receivedAt[i]!;
    const record = encodeRecord({ kind: RecordKind.envelope, streamTag, seq, itemHash, aux, chainHash: chain, receivedAt });
    return { seq, logIndex: bundle.logIndexes[i]!, receivedAt, aux, chainHash: chain, leaf: leafHash(record), entry };
  });
}
