/**
 * Streams and chain hashes (docs/spec/protocol.md §6). The relay sequences two kinds of
 * stream: each channel's envelopes, and each party's key directory. Every stream has a
 * contiguous seq from 1 and a chain hash that commits to its whole history:
 *
 *   chain[0] = H("hotline/v1/chain-genesis\n" || stream tag)
 *   chain[n] = H("hotline/v1/chain\n" || chain[n-1] || item hash n)
 *
 * Stream tags hide the channel id and party name from log readers who do not already know them.
 */
import { utf8 } from '@hotline/log';
import { labelledHash } from './hashing.js';
import { Label } from './labels.js';

export function channelTag(channelId: Uint8Array): Uint8Array {
  return labelledHash(Label.channelTag, channelId);
}

export function partyTag(party: string): Uint8Array {
  return labelledHash(Label.partyTag, utf8(party));
}

export function genesisChain(streamTag: Uint8Array): Uint8Array {
  return labelledHash(Label.chainGenesis, streamTag);
}

export function nextChain(previous: Uint8Array, itemHash: Uint8Array): Uint8Array {
  return labelledHash(Label.chain, previous, itemHash);
}
