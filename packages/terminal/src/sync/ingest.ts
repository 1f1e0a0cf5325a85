/**
 * One delivery, from the relay to the archive: verify it, then persist the outcome so that a
 * crash in between loses nothing and repeats nothing.
 *
 * - accepted: the statement and the new channel position, in one transaction;
 * - an alert about content (decryption, signature, author, commitment): the position moves past
 *   the envelope (the stream itself was proven) and the alert is stored with it;
 * - an alert about the stream (gap, replay, chain, inclusion, mismatch): stored, position kept;
 * - a handshake (MLS commit), applied: the new position;
 * - pending (no checkpoint covers it yet): nothing stored; deliver it again later.
 */
import type { Delivery } from '@hotline/protocol';
import type { Archive } from '../archive/archive.js';
import type { ChannelVerifier, Verdict } from '../verify/channel-verifier.js';

export async function ingest(channelId: Uint8Array, delivery: Delivery, verifier: ChannelVerifier, archive: Archive): Promise<Verdict> {
  const before = verifier.position.nextSeq;
  const verdict = await verifier.accept(delivery);
  if (verdict.kind === 'accepted') {
    archive.accept(channelId, { statement: verdict.statement, seq: verdict.seq, logIndex: verdict.logIndex, record: delivery.record }, verifier.position);
  } else if (verdict.kind === 'handshake') {
    archive.advance(channelId, verifier.position);
  } else if (verdict.kind === 'alert') {
    if (verifier.position.nextSeq !== before) archive.skip(channelId, verifier.position, verdict.alert);
    else archive.alert(channelId, verdict.alert);
  }
  return verdict;
}
