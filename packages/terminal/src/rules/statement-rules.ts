/**
 * The hotline rules a verified statement must also keep (DESIGN.md §1, §4, §5; protocol.md
 * §13.2), checked by every terminal in log order, so every terminal reaches the same verdict.
 * A statement that breaks one is still archived — it is in the log, and the record must show it —
 * but marked invalid, with the alert naming the rule. Invalid statements count for nothing:
 * an invalid ack acknowledges nothing, an invalid freeze freezes nothing.
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
  openStatement,
  channelTag,
  genesisChain,
  StatementType,
  type Charter,
  type MessageBody,
  type Role,
  type Statement,
} from '@hotline/protocol';
import type { Archive } from '../archive/archive.js';
import type { DirectoryEntry } from '../directory/directory.js';

export type RuleAlertCode =
  /** A statement other than a heartbeat or unfreeze while a principal has frozen the channel. */
  | 'channel_frozen'
  /** The author's roles do not allow this statement (ack, freeze, unfreeze), or it does not belong in this kind of channel. */
  | 'not_allowed'
  /** The head the author cites is not the transcript this terminal verified: the parties see different histories. */
  | 'head_mismatch'
  /** It names a message, draft or thread that is not in this channel (or not one it may name). */
  | 'bad_reference'
  /** The body does not decode as its type requires. */
  | 'malformed_body'
  /** Fewer valid approvals than the charter requires for this party and precedence. */
  | 'approvals_missing'
  /** An approval that is not a valid signed approval of exactly this content for this channel. */
  | 'approval_invalid'
  /** Two approvals from one member. */
  | 'approval_duplicate'
  /** An approval from a device that is not a verified member of the author's party with a role the rule names. */
  | 'approval_wrong_role';

export interface RuleBreach {
  readonly code: RuleAlertCode;
  readonly message: string;
}

export interface RuleContext {
  readonly charter: Charter;
  readonly archive: Archive;
  /** The author's verified directory entry. */
  readonly author: DirectoryEntry;
  /** Directory lookup for approvers. */
  readonly device: (key: Uint8Array) => DirectoryEntry | undefined;
}

const FREEZE_EXEMPT = new Set<number>([StatementType.heartbeat, StatementType.unfreeze]);
const NO_PARENT = new Set<number>([StatementType.receipt, StatementType.ack, StatementType.heartbeat, StatementType.freeze, StatementType.unfreeze, StatementType.draft]);

function breach(code: RuleAlertCode, message: string): RuleBreach {
  return { code, message };
}

function holds(entry: DirectoryEntry, roles: readonly Role[]): boolean {
  return entry.roles.some((r) => roles.includes(r));
}

/** True if the channel's last valid freeze/unfreeze is a freeze (checked before each new statement is stored). */
export function isFrozen(archive: Archive, channelId: Uint8Array): boolean {
  return archive.lastOfTypes(channelId, [StatementType.freeze, StatementType.unfreeze]) === StatementType.freeze;
}

/** True if a statement of this type may be sent while the channel is frozen (heartbeats, unfreeze). */
export function allowedWhileFrozen(type: number): boolean {
  return FREEZE_EXEMPT.has(type);
}

export function isInternal(charter: Charter): boolean {
  return charter.parties.length === 1;
}

export function checkRules(c: RuleContext, s: Statement, seq: number): RuleBreach | undefined {
  const channelId = c.charter.channelId;
  if (s.head.seq >= seq) return breach('head_mismatch', `statement at seq ${seq} cites head seq ${s.head.seq}, which is not before it`);
  if (s.head.seq === 0 && !bytesEqual(s.head.chainHash, genesisChain(channelTag(channelId)))) {
    return breach('head_mismatch', 'a head at seq 0 must cite the channel\'s genesis chain hash');
  }
  if (s.head.seq > 0) {
    const ours = c.archive.chainAt(channelId, s.head.seq);
    if (ours !== undefined && !bytesEqual(ours, s.head.chainHash)) {
      return breach('head_mismatch', `${c.author.party} / ${c.author.member} cites a different chain hash at seq ${s.head.seq} than this terminal verified: the parties are not seeing the same transcript`);
    }
  }
  if (isFrozen(c.archive, channelId) && !FREEZE_EXEMPT.has(s.type)) {
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
      for (const id of body.value.ids) if (c.archive.byId(channelId, id) === undefined) return breach('bad_reference', `the receipt names statement ${toHex(id).slice(0, 12)}…, which is not in this channel`);
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
      const root = s.parent === undefined ? undefined : c.archive.byId(channelId, s.parent);
      return root?.statement.type === StatementType.message ? undefined : breach('bad_reference', 'close-thread must name a message of this channel as its parent');
    }
    case StatementType.draft: {
      const draft = decodeDraftBody(s.body);
      return draft.ok ? undefined : breach('malformed_body', draft.error.message);
    }
    case StatementType.approval: {
      const approval = decodeApprovalBody(s.body);
      if (!approval.ok) return breach('malformed_body', approval.error.message);
      const draft = s.parent === undefined ? undefined : c.archive.byId(channelId, s.parent);
      if (draft === undefined || draft.statement.type !== StatementType.draft) return breach('bad_reference', 'an approval must name a draft of this channel as its parent');
      const body = decodeDraftBody(draft.statement.body);
      if (!body.ok || !bytesEqual(approval.value.contentHash, draftContentHash(body.value.targetChannel, body.value.body)) || !bytesEqual(approval.value.targetChannel, body.value.targetChannel) || !bytesEqual(approval.value.sender, draft.statement.author)) {
        return breach('bad_reference', 'the approval does not bind the content, channel and author of the draft it names');
      }
      if (bytesEqual(s.author, draft.statement.author)) return breach('not_allowed', 'the author of a draft cannot approve it');
      return undefined;
    }
    default:
      return breach('not_allowed', `${typeName(s.type)} statements are not supported yet`);
  }
}

function checkMessage(c: RuleContext, s: Statement): RuleBreach | undefined {
  const body = decodeMessageBody(s.body);
  if (!body.ok) return breach('malformed_body', body.error.message);
  if (s.parent !== undefined) {
    const parent = c.archive.byId(c.charter.channelId, s.parent);
    if (parent === undefined || parent.statement.type !== StatementType.message) return breach('bad_reference', 'a reply must name a message of this channel as its parent');
  }
  return checkApprovals(c, body.value, s.author);
}

function checkEdit(c: RuleContext, s: Statement): RuleBreach | undefined {
  const body = decodeMessageBody(s.body);
  if (!body.ok) return breach('malformed_body', body.error.message);
  const original = s.parent === undefined ? undefined : c.archive.byId(c.charter.channelId, s.parent);
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
  const message = c.archive.byId(c.charter.channelId, body.value.messageId);
  if (message === undefined || message.statement.type !== StatementType.message) return breach('bad_reference', 'the ack names no message of this channel');
  if (!message.valid) return breach('bad_reference', 'the ack names a message that broke a hotline rule');
  return undefined;
}

/**
 * The two-person rule: the charter's approval rule for the author's party and this precedence.
 * The approvals must all approve one draft, for exactly this content and channel, to be sent by
 * this author; come from distinct members other than the author, of the author's party, with a
 * role the rule names (judged at this point of the log); be enough; and not have been used by
 * an earlier message (a draft's approvals send it once).
 */
function checkApprovals(c: RuleContext, body: MessageBody, sender: Uint8Array): RuleBreach | undefined {
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
  const used = draft === undefined ? undefined : c.archive.draftUsedAt(c.charter.channelId, draft);
  if (used !== undefined) return breach('approval_invalid', `these approvals were already used by the message at seq ${used}`);
  return undefined;
}

/** The draft whose approvals a valid message carries (to record its single use). */
export function approvedDraft(body: MessageBody): string | undefined {
  const first = (body.approvals ?? [])[0];
  const opened = first === undefined ? undefined : openStatement(first);
  return opened?.ok && opened.value.parent !== undefined ? toHex(opened.value.parent) : undefined;
}

export function typeName(type: number): string {
  return Object.entries(StatementType).find(([, v]) => v === type)?.[0].replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`) ?? `type ${type}`;
}

export function precedenceName(precedence: number): string {
  return ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'][precedence - 1] ?? `precedence ${precedence}`;
}
