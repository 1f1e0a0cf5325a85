/**
 * A forward's check on this terminal (protocol.md §13.3): @hotline/verify's verifyForward with
 * the receiving channel's charter, this home's pinned roots and its directory. The rules step
 * (sync-channel.ts) runs it as a forward arrives — an invalid one is archived invalid with the
 * `forward_invalid` alert — and the transcript runs it again to show the outcome, so a party
 * pinned since then turns "unverifiable" into "verified" without re-syncing.
 */
import { decodeForwardBody, decodeMessageBody, type Charter } from '@hotline/protocol';
import { forwardLine, verifyForward, type ForwardOutcome } from '@hotline/verify';
import type { Terminal } from '../terminal.js';

export function checkForward(t: Terminal, charter: Charter, body: Uint8Array): ForwardOutcome {
  return verifyForward(body, { target: charter, pinned: t.roots(), device: (key) => t.directory.logged(key) });
}

/** The forward as the transcript and watch show it: the original's text, the outcome line, the forwarder's comment. */
export function describeForward(t: Terminal, charter: Charter, body: Uint8Array, printable: (text: string) => string): string {
  const outcome = checkForward(t, charter, body);
  const parts = decodeForwardBody(body);
  const comment = parts.ok && parts.value.comment !== '' ? `  (${printable(parts.value.comment)})` : '';
  if (outcome.status !== 'verified') return `FORWARD — ${printable(forwardLine(outcome))}${comment}`;
  const original = decodeMessageBody(outcome.origin.original.body);
  const text = original.ok ? printable(original.value.text) : '';
  return `FORWARD "${text}" — ${printable(forwardLine(outcome))}${comment}`;
}
