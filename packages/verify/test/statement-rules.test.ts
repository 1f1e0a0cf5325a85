/**
 * The hotline rules over the narrow StatementHistory (no SQLite): each rule kept, and each
 * broken by the specific statement it forbids, with real signed statements and approvals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@hotline/log';
import { encodeAckBody, encodeApprovalBody, encodeDraftBody, encodeMessageBody, encodeReceiptBody, draftContentHash, Precedence, ReceiptKind, StatementType, statementId, type MessageBody } from '@hotline/protocol';
import { checkStatementRules, draftSentBy } from '../src/index.js';
import { charterFor, member, MemoryChannel } from './rules-fixture.js';

const EMPTY = new Uint8Array(0);
const wp = member('washington', 'President', ['principal']);
const wo = member('washington', 'Duty Officer', ['operator']);
const wp2 = member('washington', 'Vice President', ['principal']);
const mp = member('moscow', 'President', ['principal']);
const mo = member('moscow', 'Duty Officer', ['operator']);
const everyone = [wp, wo, wp2, mp, mo];

function message(text: string, precedence: MessageBody['precedence'] = Precedence.routine, approvals?: Uint8Array[]): Uint8Array {
  return encodeMessageBody({ precedence, language: 'en', text, ...(approvals === undefined ? {} : { approvals }) });
}

function channel(): MemoryChannel {
  return new MemoryChannel(charterFor('washington-moscow', ['washington', 'moscow']), everyone);
}

test('an honest exchange keeps every rule: message, reply, ack by a principal, receipt, heartbeat', () => {
  const c = channel();
  const hello = c.statement(wo, StatementType.message, message('Confirm receipt.'));
  assert.equal(c.judge(hello), undefined);
  assert.equal(c.judge(c.statement(mo, StatementType.message, message('Received.'), { parent: statementId(hello) })), undefined);
  assert.equal(c.judge(c.statement(mp, StatementType.ack, encodeAckBody(statementId(hello)))), undefined);
  assert.equal(c.judge(c.statement(mo, StatementType.receipt, encodeReceiptBody(ReceiptKind.delivered, [statementId(hello)]))), undefined);
  assert.equal(c.judge(c.statement(mo, StatementType.heartbeat, EMPTY)), undefined);
});

test('head_mismatch: a head not before the statement, a wrong genesis, a chain this history did not verify', () => {
  const c = channel();
  c.judge(c.statement(wo, StatementType.message, message('one')));
  assert.equal(c.judge(c.statement(mo, StatementType.heartbeat, EMPTY, { head: { seq: 2, chainHash: new Uint8Array(32) } }))?.code, 'head_mismatch', 'cites its own seq');
  assert.equal(c.judge(c.statement(mo, StatementType.heartbeat, EMPTY, { head: { seq: 0, chainHash: new Uint8Array(32).fill(1) } }))?.code, 'head_mismatch', 'wrong genesis');
  const forked = c.judge(c.statement(mo, StatementType.heartbeat, EMPTY, { head: { seq: 1, chainHash: new Uint8Array(32).fill(7) } }));
  assert.equal(forked?.code, 'head_mismatch');
  assert.match(forked!.message, /not seeing the same transcript/);
  assert.equal(c.judge(c.statement(mo, StatementType.heartbeat, EMPTY, { head: { seq: 1, chainHash: c.chainAt(1)! } })), undefined, 'an older, correct head is fine');
});

test('freeze: only principals freeze and unfreeze; while frozen only heartbeats and unfreeze; an invalid freeze freezes nothing', () => {
  const c = channel();
  assert.equal(c.judge(c.statement(wo, StatementType.freeze, EMPTY))?.code, 'not_allowed', 'an operator cannot freeze');
  assert.equal(c.judge(c.statement(wo, StatementType.message, message('still open'))), undefined, 'the invalid freeze froze nothing');
  assert.equal(c.judge(c.statement(wp, StatementType.freeze, new Uint8Array([1])))?.code, 'malformed_body');
  assert.equal(c.judge(c.statement(wp, StatementType.freeze, EMPTY)), undefined);
  assert.equal(c.judge(c.statement(mo, StatementType.message, message('frozen?')))?.code, 'channel_frozen');
  assert.equal(c.judge(c.statement(mo, StatementType.heartbeat, EMPTY)), undefined, 'heartbeats go on');
  assert.equal(c.judge(c.statement(mo, StatementType.unfreeze, EMPTY))?.code, 'not_allowed', 'an operator cannot unfreeze');
  assert.equal(c.judge(c.statement(mp, StatementType.unfreeze, EMPTY)), undefined, 'any party\'s principal may');
  assert.equal(c.judge(c.statement(mo, StatementType.message, message('open again'))), undefined);
});

test('acks: only the charter\'s ack roles, only of a valid message of this channel', () => {
  const c = channel();
  const m = c.statement(wo, StatementType.message, message('Confirm receipt.'));
  c.judge(m);
  assert.equal(c.judge(c.statement(mo, StatementType.ack, encodeAckBody(statementId(m))))?.code, 'not_allowed', 'an operator may not acknowledge');
  assert.equal(c.judge(c.statement(mp, StatementType.ack, encodeAckBody(new Uint8Array(32).fill(9))))?.code, 'bad_reference', 'no such message');
  const bad = c.statement(wo, StatementType.message, message('x'), { parent: new Uint8Array(32).fill(5) });
  assert.equal(c.judge(bad)?.code, 'bad_reference', 'a reply to nothing');
  assert.equal(c.judge(c.statement(mp, StatementType.ack, encodeAckBody(statementId(bad))))?.code, 'bad_reference', 'the ack names an invalid message');
  assert.equal(c.judge(c.statement(mp, StatementType.ack, new Uint8Array(31)))?.code, 'malformed_body', 'truncated body');
  assert.equal(c.judge(c.statement(mp, StatementType.ack, encodeAckBody(statementId(m)), { parent: statementId(m) }))?.code, 'malformed_body', 'an ack names no parent');
});

test('edits: only the author, same precedence, not of an invalid message; close-thread names a message', () => {
  const c = channel();
  const m = c.statement(wo, StatementType.message, message('Draft text', Precedence.priority));
  c.judge(m);
  assert.equal(c.judge(c.statement(mo, StatementType.edit, message('hijack', Precedence.priority), { parent: statementId(m) }))?.code, 'not_allowed');
  assert.equal(c.judge(c.statement(wo, StatementType.edit, message('louder', Precedence.flash), { parent: statementId(m) }))?.code, 'not_allowed');
  assert.equal(c.judge(c.statement(wo, StatementType.edit, message('Final text', Precedence.priority), { parent: statementId(m) })), undefined);
  assert.equal(c.judge(c.statement(wo, StatementType.closeThread, EMPTY, { parent: new Uint8Array(32) }))?.code, 'bad_reference');
  assert.equal(c.judge(c.statement(wo, StatementType.closeThread, EMPTY, { parent: statementId(m) })), undefined);
});

test('receipts name statements of this channel; unknown types are not allowed; drafts stay in party-internal channels', () => {
  const c = channel();
  assert.equal(c.judge(c.statement(mo, StatementType.receipt, encodeReceiptBody(ReceiptKind.read, [new Uint8Array(32).fill(4)])))?.code, 'bad_reference');
  assert.equal(c.judge(c.statement(mo, StatementType.translation, EMPTY))?.code, 'not_allowed');
  assert.equal(c.judge(c.statement(wo, StatementType.draft, encodeDraftBody(c.charter.channelId, { precedence: 1, language: 'en', text: 'x' })))?.code, 'not_allowed');
});

test('an author that was not a valid device at that point of the log is not_allowed', () => {
  const c = channel();
  const s = c.statement(wo, StatementType.message, message('hello'));
  const breach = checkStatementRules({ charter: c.charter, author: undefined, device: () => undefined, history: c }, s, 1);
  assert.equal(breach?.code, 'not_allowed');
});

/** The two-person rule: a FLASH from washington needs one other principal's approval. */
function twoPerson() {
  const rule = { party: 0, precedence: Precedence.flash, required: 1, roles: ['principal' as const] };
  const hotline = new MemoryChannel(charterFor('washington-moscow', ['washington', 'moscow'], [rule]), everyone);
  const internal = new MemoryChannel(charterFor('washington-internal', ['washington'], [], 2), everyone);
  const content = { precedence: Precedence.flash, language: 'en', text: 'Stand down.' } as const;
  const draft = internal.statement(wo, StatementType.draft, encodeDraftBody(hotline.charter.channelId, content));
  assert.equal(internal.judge(draft), undefined);
  const approve = (by: typeof wp, body = encodeApprovalBody(hotline.charter.channelId, draftContentHash(hotline.charter.channelId, content), wo.signer.publicKey), parent = statementId(draft)) =>
    internal.statement(by, StatementType.approval, body, { parent });
  return { hotline, internal, content, draft, approve };
}

test('the two-person rule: an approval by another principal sends the FLASH once; draftSentBy names its draft', () => {
  const { hotline, internal, content, draft, approve } = twoPerson();
  const approval = approve(wp);
  assert.equal(internal.judge(approval), undefined);
  assert.equal(hotline.judge(hotline.statement(wo, StatementType.message, message(content.text, content.precedence)))?.code, 'approvals_missing');
  const sent = hotline.statement(wo, StatementType.message, message(content.text, content.precedence, [approval.bytes]));
  assert.equal(draftSentBy(sent), toHex(statementId(draft)));
  assert.equal(hotline.judge(sent), undefined);
  const again = hotline.judge(hotline.statement(wo, StatementType.message, message(content.text, content.precedence, [approval.bytes])));
  assert.equal(again?.code, 'approval_invalid', 'the same approvals cannot send twice');
  assert.match(again!.message, /already used by the message at seq 2/);
});

test('approvals that do not count: wrong role, wrong party, duplicated, tampered, of other content, by the author, in the wrong channel', () => {
  const { hotline, internal, content, approve } = twoPerson();
  const send = (approvals: Uint8Array[]) => hotline.judge(hotline.statement(wo, StatementType.message, message(content.text, content.precedence, approvals)))?.code;
  assert.equal(send([approve(wo).bytes]), 'approval_wrong_role', 'an operator (the author himself) does not hold the rule\'s role');
  assert.equal(send([approve(mp).bytes]), 'approval_wrong_role', 'a principal of the other party');
  assert.equal(send([approve(wp).bytes, approve(wp).bytes]), 'approval_duplicate');
  const tampered = approve(wp).bytes.slice();
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(send([tampered]), 'approval_invalid', 'a bad signature');
  const other = encodeApprovalBody(hotline.charter.channelId, draftContentHash(hotline.charter.channelId, { ...content, text: 'Launch.' }), wo.signer.publicKey);
  assert.equal(send([approve(wp, other).bytes]), 'approval_invalid', 'another content');
  assert.equal(send([approve(wp).bytes, approve(wp2, undefined, new Uint8Array(32).fill(8)).bytes]), 'approval_invalid', 'two drafts');
  const selfApproved = internal.statement(wp, StatementType.draft, encodeDraftBody(hotline.charter.channelId, content));
  internal.judge(selfApproved);
  assert.equal(internal.judge(internal.statement(wp, StatementType.approval, encodeApprovalBody(hotline.charter.channelId, draftContentHash(hotline.charter.channelId, content), wp.signer.publicKey), { parent: statementId(selfApproved) }))?.code, 'not_allowed', 'a draft\'s author cannot approve it');
  assert.equal(hotline.judge(hotline.statement(wo, StatementType.approval, EMPTY))?.code, 'not_allowed', 'approvals belong in the party-internal channel');
  assert.equal(send([approve(wp).bytes]), undefined, 'and a proper one still sends it');
});
