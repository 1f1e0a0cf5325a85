/**
 * The approvals the charter requires before a message of a precedence goes out (the two-person
 * rule). The board does not carry the charter's rule (only each draft's `required`); a terminal
 * that adds the charter view's `approvals` to the channel (as `approvals` or `charter.approvals`)
 * is read here, and otherwise the page says it does not know rather than guess.
 */
import type { ApprovalRule, ChannelView } from '../api/types.js';

export type RuleAnswer = { readonly known: true; readonly rule: ApprovalRule | null } | { readonly known: false };

function rulesOf(channel: ChannelView): ApprovalRule[] | undefined {
  const c = channel as unknown as Record<string, unknown>;
  const charter = c['charter'] as Record<string, unknown> | undefined;
  const raw = Array.isArray(c['approvals']) ? c['approvals'] : charter !== undefined && Array.isArray(charter['approvals']) ? charter['approvals'] : undefined;
  if (raw === undefined) return undefined;
  return raw.filter(
    (r): r is ApprovalRule =>
      typeof r === 'object' && r !== null && typeof (r as ApprovalRule).party === 'string' && typeof (r as ApprovalRule).precedence === 'string' && typeof (r as ApprovalRule).required === 'number' && Array.isArray((r as ApprovalRule).roles),
  );
}

export function approvalRule(channel: ChannelView, party: string, precedence: string): RuleAnswer {
  const rules = rulesOf(channel);
  if (rules === undefined) return { known: false };
  return { known: true, rule: rules.find((r) => r.party === party && r.precedence.toLowerCase() === precedence && r.required > 0) ?? null };
}

/** The charter's ack roles if the terminal gives them; undefined when unknown (the terminal decides). */
export function ackRoles(channel: ChannelView): readonly string[] | undefined {
  const c = channel as unknown as Record<string, unknown>;
  const charter = c['charter'] as Record<string, unknown> | undefined;
  const raw = Array.isArray(c['ackRoles']) ? c['ackRoles'] : charter !== undefined && Array.isArray(charter['ackRoles']) ? charter['ackRoles'] : undefined;
  return raw?.filter((r): r is string => typeof r === 'string');
}
