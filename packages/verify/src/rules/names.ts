import { StatementType, type Charter } from '@hotline/protocol';

/** "close-thread" for StatementType.closeThread; "type 99" for an unknown one. */
export function typeName(type: number): string {
  return Object.entries(StatementType).find(([, v]) => v === type)?.[0].replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`) ?? `type ${type}`;
}

export function precedenceName(precedence: number): string {
  return ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'][precedence - 1] ?? `precedence ${precedence}`;
}

/** A party-internal channel (one party): where drafts and approvals live. */
export function isInternal(charter: Charter): boolean {
  return charter.parties.length === 1;
}

const FREEZE_EXEMPT = new Set<number>([StatementType.heartbeat, StatementType.unfreeze]);

/** True if a statement of this type may be sent while the channel is frozen (heartbeats, unfreeze). */
export function allowedWhileFrozen(type: number): boolean {
  return FREEZE_EXEMPT.has(type);
}
