import { bytesEqual, toHex } from '@hotline/log';
import { decodeApprovalBody, draftContentHash, openStatement, StatementType, type MessageBody } from '@hotline/protocol';
import { precedenceName } from './names.js';
import { breach, type RuleBreach } from './rule-breach.js';
import { holds, type RuleContext } from './rule-context.js';

/**
 * The two-person rule: the charter's approval rule for the author's party and this precedence.
 * The approvals must all approve one draft, for exactly this content and channel, to be sent by
 * this author; come from distinct members other than the author, of the author's party, with a
 * role the rule names (judged at this point of the log); be enough; and not have been used by
 * an earlier message (a draft's approvals send it once).
 */
export function checkApprovals(c: RuleContext, body: MessageBody, sender: Uint8Array): RuleBreach | undefined {
  const partyIndex = c.charter.parties.findIndex((p) => p.name === c.author.party);
  const rule = c.charter.approvals.find((r) => r.party === partyIndex && r.precedence === body.precedence);
  const approvals = body.approvals ?? [];
  if (rule === undefined) return approvals.length === 0 ? undefined : breach('approval_invalid', 'the message carries approvals no rule asks for');
  const expected = draftContentHash(c.charter.channelId, body);
  const members = new Set<string>();
  let draft: string | undefined;
  for (const [i, bytes] of approvals.entries()) {
    const approval = openStatement(bytes);
    if (!approval.ok) return breach('approval_invalid', `approval ${i + 1}: ${approval.error.message}`);
    const a = approval.value;
    const decoded = a.type === StatementType.approval ? decodeApprovalBody(a.body) : undefined;
    if (decoded === undefined || !decoded.ok || !bytesEqual(decoded.value.targetChannel, c.charter.channelId) || !bytesEqual(decoded.value.contentHash, expected) || !bytesEqual(decoded.value.sender, sender) || a.parent === undefined) {
      return breach('approval_invalid', `approval ${i + 1} is not an approval of exactly this message, for this channel, for this author to send`);
    }
    const parent = toHex(a.parent);
    if (draft !== undefined && parent !== draft) return breach('approval_invalid', 'the approvals are for different drafts');
    draft = parent;
    const approver = c.device(a.author);
    if (approver === undefined || approver.party !== c.author.party || !holds(approver, rule.roles)) {
      return breach('approval_wrong_role', `approval ${i + 1} is by ${approver === undefined ? 'a device the directory did not verify (at this point of the log)' : `${approver.member} of ${approver.party} (${approver.roles.join(', ')})`}; the rule needs ${rule.roles.join(' or ')} of ${c.author.party}`);
    }
    if (approver.member === c.author.member) return breach('approval_invalid', `${approver.member} approved their own message: approvals must come from other members`);
    const member = `${approver.party}\u0000${approver.member}`;
    if (members.has(member)) return breach('approval_duplicate', `${approver.member} of ${approver.party} approved twice`);
    members.add(member);
  }
  if (members.size < rule.required) {
    return breach('approvals_missing', `a ${precedenceName(body.precedence)} message from ${c.author.party} needs ${rule.required} approval(s) by ${rule.roles.join(' or ')} from other members; it carries ${members.size}`);
  }
  const used = draft === undefined ? undefined : c.history.draftUsedAt(draft);
  if (used !== undefined) return breach('approval_invalid', `these approvals were already used by the message at seq ${used}`);
  return undefined;
}

/** The draft whose approvals a valid message carries (to record its single use). */
export function approvedDraft(body: MessageBody): string | undefined {
  const first = (body.approvals ?? [])[0];
  const opened = first === undefined ? undefined : openStatement(first);
  return opened?.ok && opened.value.parent !== undefined ? toHex(opened.value.parent) : undefined;
}
