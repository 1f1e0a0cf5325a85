/**
 * The approvals the charter requires before a message of a precedence goes out (the two-person
 * rule), and who may acknowledge: from the charter every party signed, as the board carries it
 * (`channel.charter`, packages/terminal/src/views/charter-view.ts).
 */
import type { ApprovalRule, ChannelView } from '../api/types.js';

export type RuleAnswer = { readonly known: true; readonly rule: ApprovalRule | null } | { readonly known: false };

export function approvalRule(channel: ChannelView, party: string, precedence: string): RuleAnswer {
  const rule = channel.charter.approvals.find((r) => r.party === party && r.precedence.toLowerCase() === precedence && r.required > 0);
  return { known: true, rule: rule ?? null };
}

/** The roles the charter lets acknowledge a message. */
export function ackRoles(channel: ChannelView): readonly string[] {
  return channel.charter.ackRoles;
}
