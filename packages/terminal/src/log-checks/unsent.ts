/**
 * An envelope the relay never receipted — it answers 503 or 429 for ever, or is unreachable —
 * waits in the outbox; past the coverage bound that is the condition `unsent_overdue`, naming
 * it, so a message that is not getting through is seen, not just counted. It ends once the
 * relay receipts the envelope.
 */
import { toHex } from '@hotline/log';
import type { Conditions } from '../archive/conditions.js';
import type { Outbox } from '../channel/outbox.js';

export interface UnsentCheckDeps {
  readonly outbox: Pick<Outbox, 'unsent' | 'receiptOf'>;
  readonly conditions: Pick<Conditions, 'raise' | 'end' | 'current'>;
  readonly now: number;
  readonly coverageSeconds: number;
}

export function checkUnsent(deps: UnsentCheckDeps): number {
  const waiting = new Set<string>();
  for (const u of deps.outbox.unsent()) {
    const subject = toHex(u.envelopeHash);
    const age = deps.now - u.createdAt;
    if (age <= deps.coverageSeconds * 1000) continue;
    waiting.add(subject);
    deps.conditions.raise('unsent_overdue', subject, `envelope ${subject} has waited ${Math.round(age / 1000)} s in the outbox without a receipt from the relay (bound ${deps.coverageSeconds} s): it is resubmitted with every command that reaches the relay`, u.channelId);
  }
  for (const open of deps.conditions.current()) {
    if (open.code === 'unsent_overdue' && !waiting.has(open.subject)) deps.conditions.end('unsent_overdue', open.subject);
  }
  return waiting.size;
}
