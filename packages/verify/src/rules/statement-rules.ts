/**
 * The hotline rules a verified statement must also keep (DESIGN.md §1, §4, §5; protocol.md
 * §13.2), checked in log order by every terminal and by `hotline verify`, so all reach the same
 * verdict. A statement that breaks one is still archived — it is in the log, and the record must
 * show it — but marked invalid, with the alert naming the rule. Invalid statements count for
 * nothing: an invalid ack acknowledges nothing, an invalid freeze freezes nothing.
 */
import { bytesEqual, toHex } from '@hotline/log';
import {
  decodeAckBody,
  decodeApprovalBody,
  decodeDraftBody,
  decodeMessageBody,
  decodeReceiptBody,
  draftContentHash,
  isEmptyBody,
  channelTag,
  genesisChain,
  StatementType,
  type Statement,
} from '@hotline/protocol';
import { checkApprovals } from './approvals.js';
import { allowedWhileFrozen, isInternal, precedenceName, typeName } from './names.js';
import { breach, type RuleBreach } from './rule-breach.js';
import { holds, type RuleContext } from './rule-context.js';

const NO_PARENT = new Set<number>([StatementType.receipt, StatementType.ack, StatementType.heartbeat, StatementType.freeze, StatementType.unfreeze, StatementType.draft, StatementType.forward]);

/** The first hotline rule statement `s`, at `seq`, breaks; undefined if it keeps them all. */
export function checkRules(c: RuleContext, s: Statement, seq: number): RuleBreach | undefined {
  const channelId = c.charter.channelId;
  if (s.head.seq >= seq) return breach('head_mismatch', `statement at seq ${seq} cites head seq ${s.head.seq}, which is not before it`);
  if (s.head.seq === 0 && !bytesEqual(s.head.chainHash, genesisChain(channelTag(channelId)))) {
    return breach('head_mismatch', 'a head at seq 0 must cite the channel\'s genesis chain hash');
  }
  if (s.head.seq > 0) {
    const ours = c.history.chainAt(s.head.seq);
    if (ours !== undefined && !bytesEqual(ours, s.head.chainHash)) {
      return breach('head_mismatch', `${c.author.party} / ${c.author.member} cites a different chain hash at seq ${s.head.seq} than this terminal verified: the parties are not seeing the same transcript`);
    }
  }
  if (c.history.frozen() && !allowedWhileFrozen(s.type)) {
    return breach('channel_frozen', `the channel is frozen: only heartbeats and unfreeze are allowed, not this ${typeName(s.type)}`);
  }
  const internalOnly = s.type === StatementType.draft || s.type === StatementType.approval;
  if (internalOnly !== isInternal(c.charter) && (internalOnly || s.type === StatementType.message)) {
    return breach('not_allowed', internalOnly ? `a ${typeName(s.type)} belongs in a party-internal channel, never where the counterparty reads it` : 'messages are not sent in a party-internal channel: drafts are');
  }
  if (NO_PARENT.has(s.type) && s.parent !== undefined) return breach('malformed_body', `a ${typeName(s.type)} names no parent`);
  switch (s.type) {
    case StatementType.message:
      return checkMessage(c, s);
    case StatementType.edit:
      return checkEdit(c, s);
    case StatementType.ack:
      return checkAck(c, s);
    case StatementType.receipt: {
      const body = decodeReceiptBody(s.body);
      if (!body.ok) return breach('malformed_body', body.error.message);
      for (const id of body.value.ids) if (c.history.byId(id) === undefined) return breach('bad_reference', `the receipt names statement ${toHex(id).slice(0, 12)}…, which is not in this channel`);
      return undefined;
    }
    case StatementType.heartbeat:
      return isEmptyBody(s.body) ? undefined : breach('malformed_body', 'a heartbeat has an empty body');
    case StatementType.freeze:
    case StatementType.unfreeze:
      if (!isEmptyBody(s.body)) return breach('malformed_body', `a ${typeName(s.type)} has an empty body`);
      return holds(c.author, ['principal']) ? undefined : breach('not_allowed', `only a principal may ${typeName(s.type)} the channel; ${c.author.member} of ${c.author.party} holds ${c.author.roles.join(', ')}`);
    case StatementType.closeThread: {
      if (!isEmptyBody(s.body)) return breach('malformed_body', 'close-thread has an empty body');
      const root = s.parent === undefined ? undefined : c.history.byId(s.parent);
      return root?.statement.type === StatementType.message ? undefined : breach('bad_reference', 'close-thread must name a message of this channel as its parent');
    }
    case StatementType.draft: {
      const draft = decodeDraftBody(s.body);
      return draft.ok ? undefined : breach('malformed_body', draft.error.message);
    }
    case StatementType.approval: {
      const approval = decodeApprovalBody(s.body);
      if (!approval.ok) return breach('malformed_body', approval.error.message);
      const draft = s.parent === undefined ? undefined : c.history.byId(s.parent);
      if (draft === undefined || draft.statement.type !== StatementType.draft) return breach('bad_reference', 'an approval must name a draft of this channel as its parent');
      const body = decodeDraftBody(draft.statement.body);
      if (!body.ok || !bytesEqual(approval.value.contentHash, draftContentHash(body.value.targetChannel, body.value.body)) || !bytesEqual(approval.value.targetChannel, body.value.targetChannel) || !bytesEqual(approval.value.sender, draft.statement.author)) {
        return breach('bad_reference', 'the approval does not bind the content, channel and author of the draft it names');
      }
      if (bytesEqual(s.author, draft.statement.author)) return breach('not_allowed', 'the author of a draft cannot approve it');
      return undefined;
    }
    case StatementType.forward: {
      if (c.forward === undefined) return breach('not_allowed', 'forwards cannot be checked here');
      const outcome = c.forward(s.body);
      return outcome.status === 'invalid' ? breach('forward_invalid', outcome.message) : undefined;
    }
    default:
      return breach('not_allowed', `${typeName(s.type)} statements are not supported yet`);
  }
}

function checkMessage(c: RuleContext, s: Statement): RuleBreach | undefined {
  const body = decodeMessageBody(s.body);
  if (!body.ok) return breach('malformed_body', body.error.message);
  if (s.parent !== undefined) {
    const parent = c.history.byId(s.parent);
    if (parent === undefined || parent.statement.type !== StatementType.message) return breach('bad_reference', 'a reply must name a message of this channel as its parent');
  }
  return checkApprovals(c, body.value, s.author);
}

function checkEdit(c: RuleContext, s: Statement): RuleBreach | undefined {
  const body = decodeMessageBody(s.body);
  if (!body.ok) return breach('malformed_body', body.error.message);
  const original = s.parent === undefined ? undefined : c.history.byId(s.parent);
  if (original === undefined || (original.statement.type !== StatementType.message && original.statement.type !== StatementType.edit)) return breach('bad_reference', 'an edit must name a message (or an earlier edit) of this channel as its parent');
  if (!bytesEqual(original.statement.author, s.author)) return breach('not_allowed', 'only the author of a message can edit it');
  if (!original.valid) return breach('bad_reference', 'an edit cannot revive a message that broke a hotline rule');
  const before = decodeMessageBody(original.statement.body);
  if (before.ok && before.value.precedence !== body.value.precedence) return breach('not_allowed', `an edit keeps the precedence of the message (${precedenceName(before.value.precedence)})`);
  return checkApprovals(c, body.value, s.author);
}

function checkAck(c: RuleContext, s: Statement): RuleBreach | undefined {
  const body = decodeAckBody(s.body);
  if (!body.ok) return breach('malformed_body', body.error.message);
  if (!holds(c.author, c.charter.ackRoles)) {
    return breach('not_allowed', `only ${c.charter.ackRoles.join(' or ')} may acknowledge; ${c.author.member} of ${c.author.party} holds ${c.author.roles.join(', ')}`);
  }
  const message = c.history.byId(body.value.messageId);
  if (message === undefined || message.statement.type !== StatementType.message) return breach('bad_reference', 'the ack names no message of this channel');
  if (!message.valid) return breach('bad_reference', 'the ack names a message that broke a hotline rule');
  return undefined;
}
