/**
 * What a terminal does with the relay's answer to a submission: a receipt is kept only if it is
 * well formed (a receipt without a log index could never be held to the log, so a relay could
 * drop the envelope silently); a commit refused for good (its epoch already has one) is dropped.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { isEpochCommitted, type RelayReceipt } from '../relay-api.js';
import type { Terminal } from '../terminal.js';
import { HotlineError } from '../errors.js';

export class MalformedReceipt extends HotlineError {
  override readonly name = 'MalformedReceipt';
  constructor(message: string) {
    super('malformed_receipt', message);
  }
}

function wellFormed(r: RelayReceipt): boolean {
  const count = (n: unknown, min: number) => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
  return count(r.seq, 1) && count(r.logIndex, 0) && count(r.receivedAt, 0) && r.chainHash instanceof Uint8Array && r.chainHash.length === 32;
}

/**
 * Hands this device's envelope to the relay and records its receipt. `lost` if the relay
 * refused it for good (a commit whose epoch already has one): it was dropped from the outbox.
 */
export async function submitOwn(t: Terminal, channelId: Uint8Array, envelopeHash: Uint8Array, envelope: Uint8Array): Promise<RelayReceipt | 'lost'> {
  let receipt: RelayReceipt;
  try {
    receipt = await t.relay.submit(channelId, envelope);
  } catch (error) {
    if (!isEpochCommitted(error)) throw error;
    dropLostCommit(t, channelId, envelopeHash);
    return 'lost';
  }
  return recordReceipt(t, channelId, envelopeHash, receipt);
}

/**
 * Records the relay's receipt for this device's envelope, to be held to the log. A malformed
 * one is evidence (`malformed_receipt`) and leaves the envelope unsent: throws MalformedReceipt.
 */
export function recordReceipt(t: Terminal, channelId: Uint8Array, envelopeHash: Uint8Array, receipt: RelayReceipt): RelayReceipt {
  if (!wellFormed(receipt)) {
    const message = `the relay answered a submission with a malformed receipt (seq ${String(receipt.seq)}, log index ${String(receipt.logIndex)}): it cannot be held to the log, so the envelope stays in the outbox, unsent`;
    t.archive.alert(channelId, { code: 'malformed_receipt', message });
    throw new MalformedReceipt(message);
  }
  t.outbox.sent(envelopeHash, receipt, t.now());
  t.conditions.end('unsent_overdue', toHex(envelopeHash)); // it got through: now the receipt is held to the log
  return receipt;
}

/**
 * The relay refused this device's commit: its epoch already has one. The state it would lead to
 * is dropped and the envelope leaves the outbox, so it is neither adopted nor resubmitted.
 */
export function dropLostCommit(t: Terminal, channelId: Uint8Array, envelopeHash: Uint8Array): void {
  const pending = t.groups.pending(channelId);
  if (pending !== undefined && bytesEqual(pending.envelopeHash, envelopeHash)) t.groups.clearPending(channelId);
  t.outbox.abandon(envelopeHash);
}

