/**
 * What a person (or the terminal on their behalf) says under the hotline rules: acknowledge a
 * message, send receipts and heartbeats, freeze and unfreeze, reply, edit, close a thread, and
 * the two-person rule's drafts and approvals — which circulate only in the party's internal
 * channel (a charter naming only that party), so the counterparty never sees a draft.
 */
import { bytesEqual, toHex } from '@hotline/log';
import {
  decodeApprovalBody,
  decodeDraftBody,
  decodeMessageBody,
  draftContentHash,
  encodeAckBody,
  encodeApprovalBody,
  encodeDraftBody,
  encodeMessageBody,
  encodeReceiptBody,
  MAX_RECEIPT_IDS,
  statementId,
  StatementType,
  type Charter,
  type MessageBody,
  type ReceiptKind,
} from '@hotline/protocol';
import type { StoredStatement } from '../archive/archive.js';
import type { Terminal } from '../terminal.js';
import { TerminalError } from '../terminal.js';
import { isInternal, precedenceName } from '@hotline/verify';
import { isFrozen } from '../archive/archive-history.js';
import { sendStatement, type Sent } from './send.js';
import { prepared } from '../store/terminal-db.js';
import { deviceRef, type DeviceRef } from '../views/device-ref.js';

/** A statement of the channel by a prefix (≥ 6 hex digits) of its id, as the transcript shows it. */
export function findStatement(t: Terminal, charter: Charter, idPrefix: string, types?: readonly number[]): StoredStatement {
  const prefix = idPrefix.toLowerCase();
  if (!/^[0-9a-f]{6,64}$/.test(prefix)) throw new TerminalError('bad_id', `${JSON.stringify(idPrefix)} is not a statement id (at least 6 hex digits, as hotline watch shows them)`);
  const all = t.archive.ofTypes(charter.channelId, types ?? Object.values(StatementType), { includeInvalid: true });
  const found = all.filter((s) => toHex(statementId(s.statement)).startsWith(prefix));
  if (found.length === 0) throw new TerminalError('not_found', `no statement ${prefix} in channel ${charter.name} (sync first: hotline watch ${charter.name} --once)`, { channel: charter.name });
  if (found.length > 1) throw new TerminalError('ambiguous', `${prefix} matches ${found.length} statements: give more digits`, { channel: charter.name });
  return found[0]!;
}

/** Sends a message, unless the charter's two-person rule requires approvals for it. */
export async function sendMessage(t: Terminal, charter: Charter, body: MessageBody, parent?: Uint8Array): Promise<Sent> {
  const rule = approvalRule(t, charter, body.precedence);
  if (rule !== undefined && (body.approvals ?? []).length === 0) {
    throw new TerminalError('needs_approval', `a ${precedenceName(body.precedence)} message from ${t.certificate.party} needs ${rule.required} approval(s) by ${rule.roles.join(' or ')}: draft it (hotline draft ${charter.name} ...) and have it approved`, { channel: charter.name });
  }
  return sendStatement(t, charter, { type: StatementType.message, body: encodeMessageBody(body), ...(parent === undefined ? {} : { parent }) });
}

function approvalRule(t: Terminal, charter: Charter, precedence: number) {
  const party = charter.parties.findIndex((p) => p.name === t.certificate.party);
  return charter.approvals.find((r) => r.party === party && r.precedence === precedence);
}

export async function acknowledge(t: Terminal, charter: Charter, idPrefix: string): Promise<Sent> {
  const message = findStatement(t, charter, idPrefix, [StatementType.message]);
  if (!t.certificate.roles.some((r) => charter.ackRoles.includes(r))) throw new TerminalError('not_permitted', `only ${charter.ackRoles.join(' or ')} may acknowledge in ${charter.name}; this device is ${t.certificate.roles.join(', ')}`, { channel: charter.name });
  return sendStatement(t, charter, { type: StatementType.ack, body: encodeAckBody(statementId(message.statement)) });
}

export async function setFrozen(t: Terminal, charter: Charter, frozen: boolean): Promise<Sent> {
  if (!t.certificate.roles.includes('principal')) throw new TerminalError('not_permitted', 'only a principal may freeze or unfreeze a channel', { channel: charter.name });
  return sendStatement(t, charter, { type: frozen ? StatementType.freeze : StatementType.unfreeze, body: new Uint8Array(0) });
}

export async function closeThread(t: Terminal, charter: Charter, idPrefix: string): Promise<Sent> {
  const root = findStatement(t, charter, idPrefix, [StatementType.message]);
  return sendStatement(t, charter, { type: StatementType.closeThread, body: new Uint8Array(0), parent: statementId(root.statement) });
}

export async function editMessage(t: Terminal, charter: Charter, idPrefix: string, text: string): Promise<Sent> {
  const original = findStatement(t, charter, idPrefix, [StatementType.message, StatementType.edit]);
  if (!bytesEqual(original.statement.author, t.deviceKey)) throw new TerminalError('not_permitted', 'only the device that sent a message can edit it', { channel: charter.name });
  const body = decodeMessageBody(original.statement.body);
  if (!body.ok) throw new TerminalError('invalid_statement', `statement ${idPrefix} has no readable message body: ${body.error.message}`, { channel: charter.name, seq: original.seq });
  const rule = approvalRule(t, charter, body.value.precedence);
  if (rule !== undefined) throw new TerminalError('needs_approval', `an edit of a ${precedenceName(body.value.precedence)} message from ${t.certificate.party} needs ${rule.required} approval(s) like the message did; editing under the two-person rule is not built yet: send a new draft instead`, { channel: charter.name });
  return sendStatement(t, charter, { type: StatementType.edit, body: encodeMessageBody({ precedence: body.value.precedence, language: body.value.language, text }), parent: statementId(original.statement) });
}

/** One receipt statement for messages of other parties; nothing while the channel is frozen. */
/**
 * Receipts for `ids`, in as many statements as the body's limit needs (a round that archives a
 * large backlog receipts all of it, not its first 1,024). Returns the last one sent.
 */
export async function sendReceipts(t: Terminal, charter: Charter, ids: readonly Uint8Array[], kind: ReceiptKind): Promise<Sent | undefined> {
  if (ids.length === 0 || isInternal(charter) || isFrozen(t.archive, charter.channelId)) return undefined;
  let last: Sent | undefined;
  for (let i = 0; i < ids.length; i += MAX_RECEIPT_IDS) {
    last = await sendStatement(t, charter, { type: StatementType.receipt, body: encodeReceiptBody(kind, ids.slice(i, i + MAX_RECEIPT_IDS)) });
  }
  return last;
}

/** The liveness test: a heartbeat (carrying this device's head) if its party's last one is older than the charter's interval. */
export async function heartbeatIfDue(t: Terminal, charter: Charter): Promise<Sent | undefined> {
  if (isInternal(charter)) return undefined;
  const ours = t.archive.lastByAuthor(charter.channelId, StatementType.heartbeat).filter((s) => t.directory.entry(s.statement.author)?.party === t.certificate.party);
  const last = ours.at(-1)?.receivedAt;
  if (last !== undefined && t.now() - last < charter.heartbeatSeconds * 1000) return undefined;
  return sendStatement(t, charter, { type: StatementType.heartbeat, body: new Uint8Array(0) });
}

/** This party's internal channel (a charter naming only this party), where drafts circulate. */
export function internalChannel(t: Terminal): Charter {
  const internal = t.charters.all().find((c) => isInternal(c) && c.parties[0]!.name === t.certificate.party);
  if (internal === undefined) throw new TerminalError('no_internal_channel', `${t.certificate.party} has no internal channel on this terminal: create one with hotline channel create NAME --internal, open it, and join it from the party's other devices`);
  return internal;
}

export async function draftMessage(t: Terminal, target: Charter, body: Omit<MessageBody, 'approvals'>): Promise<Sent> {
  return sendStatement(t, internalChannel(t), { type: StatementType.draft, body: encodeDraftBody(target.channelId, body) });
}

export async function approveDraft(t: Terminal, idPrefix: string): Promise<Sent> {
  const internal = internalChannel(t);
  const draft = findStatement(t, internal, idPrefix, [StatementType.draft]);
  const body = decodeDraftBody(draft.statement.body);
  if (!body.ok) throw new TerminalError('invalid_statement', `draft ${idPrefix} has no readable draft body: ${body.error.message}`, { channel: internal.name, seq: draft.seq });
  if (bytesEqual(draft.statement.author, t.deviceKey)) throw new TerminalError('not_permitted', 'the author of a draft cannot approve it: approvals must come from other members', { channel: internal.name });
  return sendStatement(t, internal, { type: StatementType.approval, body: encodeApprovalBody(body.value.targetChannel, draftContentHash(body.value.targetChannel, body.value.body), draft.statement.author), parent: statementId(draft.statement) });
}

/** An approval that counts for a draft: by a verified device of another member, with a role the rule names, for the draft's author to send. */
function qualifies(t: Terminal, approval: StoredStatement, draftAuthor: Uint8Array, rule: { roles: readonly string[] } | undefined): boolean {
  const approver = t.directory.device(approval.statement.author, t.now());
  const author = t.directory.entry(draftAuthor);
  const body = decodeApprovalBody(approval.statement.body);
  return approver !== undefined && body.ok && bytesEqual(body.value.sender, draftAuthor) && (author === undefined || approver.member !== author.member || approver.party !== author.party) && (rule === undefined || approver.roles.some((r) => rule.roles.includes(r)));
}

export interface DraftStatus {
  readonly id: string;
  readonly channel: string;
  /** Null if the directory does not know the author's device. */
  readonly author: DeviceRef | null;
  readonly body: MessageBody;
  /** The approving members (one device each, however many of theirs approved), by party and member. */
  readonly approvedBy: DeviceRef[];
  readonly required: number;
  /** The id of the message this draft went out as, once sent. */
  readonly sent: string | undefined;
  readonly mine: boolean;
}

function sentDrafts(t: Terminal): Map<string, string> {
  return new Map((prepared(t.db, 'SELECT draft_id, message_id FROM sent_drafts').all() as { draft_id: string; message_id: string }[]).map((r) => [r.draft_id, r.message_id]));
}

export function drafts(t: Terminal): DraftStatus[] {
  const internal = internalChannel(t);
  const sent = sentDrafts(t);
  const approvals = t.archive.ofTypes(internal.channelId, [StatementType.approval]);
  return t.archive.ofTypes(internal.channelId, [StatementType.draft]).flatMap((d) => {
    const body = decodeDraftBody(d.statement.body);
    const target = body.ok ? t.charters.get(body.value.targetChannel) : undefined;
    if (!body.ok || target === undefined) return [];
    const id = toHex(statementId(d.statement));
    const author = t.directory.device(d.statement.author, t.now());
    const rule = target.approvals.find((r) => target.parties[r.party]?.name === t.certificate.party && r.precedence === body.value.body.precedence);
    const approvers = new Map<string, DeviceRef>();
    for (const a of approvals) {
      if (a.statement.parent === undefined || toHex(a.statement.parent) !== id) continue;
      if (!qualifies(t, a, d.statement.author, rule)) continue;
      const approver = t.directory.device(a.statement.author, t.now())!;
      // One member counts once, whichever of their devices approved (the two-person rule counts people).
      const person = `${approver.party}\u0000${approver.member}`;
      if (!approvers.has(person)) approvers.set(person, deviceRef(approver));
    }
    const approvedBy = [...approvers.values()].sort((a, b) => `${a.party}/${a.member}/${a.deviceKey}`.localeCompare(`${b.party}/${b.member}/${b.deviceKey}`));
    return [{ id, channel: target.name, author: author === undefined ? null : deviceRef(author), body: body.value.body, approvedBy, required: rule?.required ?? 0, sent: sent.get(id), mine: bytesEqual(d.statement.author, t.deviceKey) }];
  });
}

/** The author's terminal sends each of its drafts once its approvals meet the rule, carrying them. */
export async function sendApprovedDrafts(t: Terminal): Promise<Sent[]> {
  if (!t.charters.all().some((c) => isInternal(c) && c.parties[0]!.name === t.certificate.party)) return [];
  const internal = internalChannel(t);
  const out: Sent[] = [];
  for (const d of drafts(t)) {
    if (!d.mine || d.sent !== undefined || d.approvedBy.length < d.required) continue;
    const draftStatement = findStatement(t, internal, d.id, [StatementType.draft]);
    const body = decodeDraftBody(draftStatement.statement.body);
    if (!body.ok) continue;
    const target = t.charters.get(body.value.targetChannel)!;
    if (isFrozen(t.archive, target.channelId)) continue; // it would only be refused: wait for the unfreeze
    const seen = new Set<string>();
    const carried: Uint8Array[] = [];
    const rule = target.approvals.find((r) => target.parties[r.party]?.name === t.certificate.party && r.precedence === body.value.body.precedence);
    for (const a of t.archive.ofTypes(internal.channelId, [StatementType.approval])) {
      if (a.statement.parent === undefined || toHex(a.statement.parent) !== d.id || !qualifies(t, a, draftStatement.statement.author, rule)) continue;
      const approver = t.directory.device(a.statement.author, t.now())!;
      const key = `${approver.party}/${approver.member}`;
      if (seen.has(key)) continue;
      seen.add(key);
      carried.push(a.statement.bytes);
    }
    const sent = await sendStatement(t, target, { type: StatementType.message, body: encodeMessageBody({ ...body.value.body, approvals: carried }) });
    // Sent or queued in the outbox (which resubmits it): either way this draft is done.
    prepared(t.db, 'INSERT INTO sent_drafts (draft_id, message_id, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(d.id, toHex(sent.statementId), t.now());
    out.push(sent);
  }
  return out;
}
