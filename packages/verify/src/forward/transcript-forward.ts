/** A forward's check, as the record's transcript carries it (types.ts TranscriptForward). */
import { toHex } from '@hotline/log';
import { decodeMessageBody } from '@hotline/protocol';
import type { TranscriptForward } from '../record/types.js';
import { forwardLine, type ForwardOutcome } from './verify-forward.js';

export function transcriptForward(comment: string, outcome: ForwardOutcome | undefined): TranscriptForward {
  if (outcome === undefined) return { kind: 'forward', comment, status: 'unchecked', line: 'origin not checked: the rules step did not run' };
  const line = forwardLine(outcome);
  if (outcome.status !== 'verified') return { kind: 'forward', comment, status: outcome.status, line, reason: outcome.message };
  const o = outcome.origin;
  const message = decodeMessageBody(o.original.body);
  return {
    kind: 'forward',
    comment,
    status: 'verified',
    line,
    origin: {
      channel: o.channelName,
      channelId: toHex(o.channelId),
      seq: o.seq,
      author: { party: o.party, member: o.member },
      checkpoint: { origin: o.checkpointOrigin, size: o.checkpointSize },
      logIndex: o.logIndex,
      receivedAt: o.receivedAt,
      text: message.ok ? message.value.text : '',
    },
  };
}
