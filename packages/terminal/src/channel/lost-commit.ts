/** A commit of this device that the relay refused for good: its epoch already has a commit. */
import { bytesEqual } from '@hotline/log';
import type { Terminal } from '../terminal.js';

/**
 * The relay refused this device's commit: its epoch already has one. The state it would lead to
 * is dropped and the envelope leaves the outbox, so it is neither adopted nor resubmitted.
 */
export function dropLostCommit(t: Terminal, channelId: Uint8Array, envelopeHash: Uint8Array): void {
  const pending = t.groups.pending(channelId);
  if (pending !== undefined && bytesEqual(pending.envelopeHash, envelopeHash)) t.groups.clearPending(channelId);
  t.outbox.abandon(envelopeHash);
}

