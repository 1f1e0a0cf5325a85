/**
 * The hotline rules (issue 6), each with its hostile variants, on a real relay with real MLS:
 * the two-person rule (drafts and approvals in the party's internal channel; missing, forged,
 * duplicate and wrong-role approvals), acknowledgements (and one from a non-principal),
 * deadlines that pass with time controlled (not slept), liveness, a replayed heartbeat, a head
 * the parties disagree on, freeze and unfreeze, edits, replies and closed threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createApplicationMessage, encode, mlsMessageEncoder } from 'ts-mls';
import {
  decodeReceiptBody,
  ReceiptKind,
  draftCharter,
  draftContentHash,
  encodeAckBody,
  encodeApprovalBody,
  encodeEnvelope,
  encodeMessageBody,
  envelopeHash,
  EnvelopeKind,
  partyRootSigner,
  Precedence,
  signCharter,
  signStatement,
  signerFor,
  statementCommitment,
  statementId,
  StatementType,
  type Charter,
  type Statement,
} from '@hotline/protocol';
import {
  acceptInvitations,
  acknowledge,
  approveDraft,
  catchUp,
  channelAlarms,
  channelBoard,
  closeThread,
  draftMessage,
  drafts,
  editMessage,
  KeyStore,
  openChannel,
  sendApprovedDrafts,
  sendMessage,
  sendStatement,
  setFrozen,
  syncChannel,
  sendReceipts,
  transcript,
  type Terminal,
} from '../src/index.js';
import { hotline, type Hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FLASH = Precedence.flash;

interface World {
  readonly h: Hotline;
  readonly charter: Charter;
  readonly internal: Charter;
  readonly t: Record<'wp' | 'wo' | 'mp' | 'mo', Terminal>;
  close(): Promise<void>;
}

/** Washington–Moscow with "FLASH from Washington needs an approval by another principal or operator", acks due in 60 s; and Washington's internal channel. */
async function world(): Promise<World> {
  const h = await hotline();
  const charter = h.charter({ approvals: [{ party: 0, precedence: FLASH, required: 1, roles: ['principal', 'operator'] }], ackDeadlines: [60, 60, 60, 0] });
  const washington = partyRootSigner(new KeyStore(h.homes.wp).party());
  const signed = signCharter(draftCharter({ ...charter, channelId: new Uint8Array(randomBytes(16)), name: 'washington-internal', parties: [charter.parties[0]!], approvals: [] }), washington);
  assert.ok(signed.ok);
  const internal = signed.value;
  const t = { wp: h.open('wp'), wo: h.open('wo'), mp: h.open('mp'), mo: h.open('mo') };
  await openChannel(t.wp, charter);
  await openChannel(t.wp, internal);
  for (const [name, wanted] of [['wo', 2], ['mp', 1], ['mo', 1]] as const) {
    let have = 0;
    for (let i = 0; i < 400 && have < wanted; i++) {
      have += (await acceptInvitations(t[name])).joined.length;
      if (have < wanted) await sleep(25);
    }
    assert.equal(have, wanted, `${name} joins`);
  }
  return {
    h,
    charter,
    internal,
    t,
    async close() {
      for (const x of Object.values(t)) x.close();
      await h.close();
    },
  };
}

/** Syncs a terminal until its archive covers `seq`; returns the alert codes raised on the way. */
async function syncTo(t: Terminal, charter: Charter, seq: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < 400 && (t.archive.position(charter.channelId)?.nextSeq ?? 0) <= seq; i++) {
    await t.refresh();
    codes.push(...(await syncChannel(t, charter)).alerts.map((a) => a.code));
    if ((t.archive.position(charter.channelId)?.nextSeq ?? 0) <= seq) await sleep(25);
  }
  assert.ok((t.archive.position(charter.channelId)?.nextSeq ?? 0) > seq, `synced to ${seq}`);
  return codes;
}

/** Sends statement bytes as they are (a replay, or a statement built by hand) through MLS. */
async function sendRaw(t: Terminal, charter: Charter, statement: Statement): Promise<number> {
  const context = await t.context(charter);
  const envelope = await t.exclusive.run(async () => {
    const sent = await createApplicationMessage({ context, state: t.groups.load(charter.channelId)!, message: statement.bytes });
    const bytes = encodeEnvelope({ kind: EnvelopeKind.application, channelId: charter.channelId, commitment: statementCommitment(statement), payload: encode(mlsMessageEncoder, sent.message) });
    t.groups.save(charter.channelId, sent.newState);
    t.outbox.put(charter.channelId, envelopeHash(bytes), bytes, statement.bytes, Date.now());
    return bytes;
  });
  return (await t.relay.submit(charter.channelId, envelope)).seq;
}

function handMade(t: Terminal, charter: Charter, fields: { type: number; body: Uint8Array; parent?: Uint8Array; head?: { seq: number; chainHash: Uint8Array } }): Statement {
  const position = t.archive.position(charter.channelId)!;
  return signStatement({ type: fields.type as Statement['type'], channelId: charter.channelId, author: t.deviceKey, time: Date.now(), head: fields.head ?? { seq: position.nextSeq - 1, chainHash: position.chain }, ...(fields.parent === undefined ? {} : { parent: fields.parent }), body: fields.body, salt: new Uint8Array(randomBytes(32)) }, t.device.signer);
}

function lastLine(t: Terminal, charter: Charter) {
  return transcript(t, charter, 1, 10_000, true).at(-1)!;
}

test('the two-person rule: a FLASH drafted internally, approved by another member, sent carrying the approval, verified by the counterparty', async () => {
  const w = await world();
  try {
    await assert.rejects(sendMessage(w.t.wp, w.charter, { precedence: FLASH, language: 'en', text: 'not without approvals' }), /needs 1 approval/);
    const draft = await draftMessage(w.t.wp, w.charter, { precedence: FLASH, language: 'en', text: 'Washington: FLASH, two-person approved.' });
    const draftId = Buffer.from(draft.statementId).toString('hex');
    await syncTo(w.t.wo, w.internal, draft.receipt!.seq);
    await syncTo(w.t.wp, w.internal, draft.receipt!.seq);
    await assert.rejects(approveDraft(w.t.wp, draftId.slice(0, 12)), /author of a draft cannot approve it/);
    assert.deepEqual((await sendApprovedDrafts(w.t.wp)).length, 0, 'no approval yet');
    const byOperator = await approveDraft(w.t.wo, draftId.slice(0, 12));
    await syncTo(w.t.wp, w.internal, byOperator.receipt!.seq);
    assert.deepEqual(drafts(w.t.wp).map((d) => [d.approvedBy.map((a) => `${a.party} / ${a.member}`), d.required, d.sent]), [[['washington / Operator'], 1, undefined]]);
    const [sent] = await sendApprovedDrafts(w.t.wp);
    assert.ok(sent?.receipt !== undefined);
    assert.deepEqual(await sendApprovedDrafts(w.t.wp), [], 'sent once');
    await syncTo(w.t.wp, w.charter, sent.receipt.seq);
    await assert.rejects(editMessage(w.t.wp, w.charter, Buffer.from(sent.statementId).toString('hex').slice(0, 12), 'changed'), /needs 1 approval/, 'no unapproved edit of an approved FLASH');
    assert.deepEqual(await syncTo(w.t.mp, w.charter, sent.receipt.seq), []);
    const line = lastLine(w.t.mp, w.charter);
    assert.equal(line.valid, true);
    assert.match(line.text, /Washington: FLASH, two-person approved\.\s+\(approved by washington \/ Operator\)/);
    assert.equal(transcript(w.t.mp, w.internal).length, 0, 'Moscow never sees the internal channel');
    // The same approvals again (a replay by the author or by anyone who saw them): refused.
    const replay = await sendStatement(w.t.wp, w.charter, { type: StatementType.message, body: sent.statement.body });
    assert.deepEqual(await syncTo(w.t.mp, w.charter, replay.receipt!.seq), ['approval_invalid']);
    // Moscow's terminal reports delivery with a signed receipt, automatically, as it catches up.
    const note = await sendMessage(w.t.wp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'a note' });
    for (let i = 0; i < 200 && (w.t.mp.archive.position(w.charter.channelId)?.nextSeq ?? 0) <= note.receipt!.seq; i++) {
      await catchUp(w.t.mp);
      await sleep(25);
    }
    let receipts = w.t.wp.archive.ofTypes(w.charter.channelId, [StatementType.receipt]);
    for (let i = 0; i < 200 && receipts.length === 0; i++) {
      await sleep(25);
      await w.t.wp.refresh();
      await syncChannel(w.t.wp, w.charter);
      receipts = w.t.wp.archive.ofTypes(w.charter.channelId, [StatementType.receipt]);
    }
    assert.match(transcript(w.t.wp, w.charter, 1, 100, true).find((l) => l.type === 'receipt')!.text, new RegExp(`^delivered: #${note.receipt!.seq}$`));
  } finally {
    await w.close();
  }
});

test('approvals short of quorum, forged, duplicated, of other content, for another sender, for two drafts, by the author, or from the wrong party: each an alert, the message invalid', async () => {
  const w = await world();
  try {
    const text = 'FLASH with bad approvals';
    const content = { precedence: FLASH, language: 'en', text } as const;
    const draftId = new Uint8Array(32).fill(4);
    const approval = (by: Terminal, hash = draftContentHash(w.charter.channelId, content), parent = draftId, sender = w.t.wp.deviceKey) =>
      signStatement({ type: StatementType.approval, channelId: w.internal.channelId, author: by.deviceKey, time: Date.now(), head: { seq: 0, chainHash: new Uint8Array(32) }, parent, body: encodeApprovalBody(w.charter.channelId, hash, sender), salt: new Uint8Array(randomBytes(32)) }, by.device.signer).bytes;
    const forged = approval(w.t.wo).slice();
    forged[forged.length - 1]! ^= 1;
    const stranger = signerFor(new Uint8Array(randomBytes(32)));
    const strangerApproval = signStatement({ type: StatementType.approval, channelId: w.internal.channelId, author: stranger.publicKey, time: Date.now(), head: { seq: 0, chainHash: new Uint8Array(32) }, parent: draftId, body: encodeApprovalBody(w.charter.channelId, draftContentHash(w.charter.channelId, content), w.t.wp.deviceKey), salt: new Uint8Array(randomBytes(32)) }, stranger).bytes;
    const cases: [string, Uint8Array[]][] = [
      ['approvals_missing', []],
      ['approval_invalid', [forged]],
      ['approval_duplicate', [approval(w.t.wo), approval(w.t.wo)]],
      ['approval_invalid', [approval(w.t.wo, draftContentHash(w.charter.channelId, { ...content, text: 'something else' }))]],
      ['approval_invalid', [approval(w.t.wo, undefined, draftId, w.t.wo.deviceKey)]],
      ['approval_invalid', [approval(w.t.wo), approval(w.t.mp, undefined, new Uint8Array(32).fill(5))]],
      ['approval_invalid', [approval(w.t.wp)]],
      ['approval_wrong_role', [approval(w.t.mp)]],
      ['approval_wrong_role', [strangerApproval]],
    ];
    for (const [code, approvals] of cases) {
      const sent = await sendStatement(w.t.wp, w.charter, { type: StatementType.message, body: encodeMessageBody({ ...content, approvals }) });
      const codes = await syncTo(w.t.mp, w.charter, sent.receipt!.seq);
      assert.deepEqual(codes, [code], `${code}: ${approvals.length} approvals`);
      assert.equal(lastLine(w.t.mp, w.charter).valid, false);
    }
  } finally {
    await w.close();
  }
});

test('acknowledgements: a principal\'s ack meets the deadline and co-signs; an operator\'s is refused; deadlines escalate with time', async () => {
  const w = await world();
  try {
    const message = await sendMessage(w.t.mp, w.charter, { precedence: Precedence.priority, language: 'en', text: 'Moscow: please acknowledge within a minute.' });
    await syncTo(w.t.wp, w.charter, message.receipt!.seq);
    await syncTo(w.t.wo, w.charter, message.receipt!.seq);
    const id = Buffer.from(message.statementId).toString('hex').slice(0, 12);
    await assert.rejects(acknowledge(w.t.wo, w.charter, id), /only principal may acknowledge/);
    const byOperator = await sendStatement(w.t.wo, w.charter, { type: StatementType.ack, body: encodeAckBody(message.statementId) });
    assert.deepEqual(await syncTo(w.t.mp, w.charter, byOperator.receipt!.seq), ['not_allowed']);
    const devices = new Map(w.t.mp.directory.all().map((e) => [Buffer.from(e.deviceKey).toString('hex'), e]));
    const posted = w.t.mp.archive.byId(w.charter.channelId, message.statementId)!.receivedAt;
    const at = (seconds: number) => channelBoard(w.charter, w.t.mp.archive, devices, posted + seconds * 1000);
    assert.equal(at(30).deadlines[0]!.state, 'pending', 'the operator\'s ack counts for nothing');
    assert.deepEqual([at(61).deadlines[0]!.state, at(61).alarms[0]!.code], ['overdue', 'ack_overdue']);
    assert.equal(at(121).deadlines[0]!.state, 'escalated');
    assert.equal(at(241).deadlines[0]!.state, 'critical');
    for (const s of [30, 61, 121, 241]) assert.deepEqual(channelAlarms(w.charter, w.t.mp.archive, devices, posted + s * 1000), at(s).alarms, 'a round raises the board\'s alarms');
    const ack = await acknowledge(w.t.wp, w.charter, id);
    assert.deepEqual(await syncTo(w.t.mp, w.charter, ack.receipt!.seq), []);
    const after = channelBoard(w.charter, w.t.mp.archive, devices, posted + 10_000_000);
    assert.equal(after.deadlines[0]!.state, 'met');
    assert.equal(after.alarms.filter((a) => a.code === 'ack_overdue').length, 0);
    assert.deepEqual(channelAlarms(w.charter, w.t.mp.archive, devices, posted + 10_000_000), after.alarms);
    assert.equal(after.parties.find((p) => p.party === 'washington')!.cosignedSeq, ack.statement.head.seq, 'the ack co-signs the transcript to its head');
    assert.match(lastLine(w.t.mp, w.charter).text, /ACKNOWLEDGES #\d+: received and understood/);
  } finally {
    await w.close();
  }
});

test('liveness: heartbeats keep a party live; missed tests make it late then silent; a replayed heartbeat is caught', async () => {
  const w = await world();
  try {
    const round = await catchUp(w.t.wp); // sends Washington's first heartbeat: none was on record
    assert.ok(round.channels.size >= 1);
    const seqBefore = (w.t.wp.archive.position(w.charter.channelId)?.nextSeq ?? 1) - 1;
    await syncTo(w.t.mp, w.charter, seqBefore);
    await catchUp(w.t.wp); // its own heartbeat comes back verified
    const heartbeats = w.t.wp.archive.ofTypes(w.charter.channelId, [StatementType.heartbeat]);
    assert.equal(heartbeats.length, 1, 'one heartbeat per interval');
    const last = heartbeats[0]!;
    await syncTo(w.t.mp, w.charter, last.seq);
    const devices = new Map(w.t.mp.directory.all().map((e) => [Buffer.from(e.deviceKey).toString('hex'), e]));
    const board = (ms: number) => channelBoard(w.charter, w.t.mp.archive, devices, last.receivedAt + ms);
    const washington = (ms: number) => board(ms).parties.find((p) => p.party === 'washington')!.state;
    assert.equal(washington(1000), 'live');
    assert.equal(washington((w.charter.lateSeconds + 1) * 1000), 'late');
    assert.equal(washington((w.charter.silentSeconds + 1) * 1000), 'silent');
    assert.ok(board((w.charter.silentSeconds + 1) * 1000).alarms.some((a) => a.code === 'party_silent'));
    // The same heartbeat, replayed inside a new MLS message: a duplicate, not a second test passed.
    const replay = await sendRaw(w.t.wp, w.charter, last.statement);
    assert.deepEqual(await syncTo(w.t.mp, w.charter, replay), ['duplicate']);
  } finally {
    await w.close();
  }
});

test('a heartbeat citing a head this terminal did not verify: head_mismatch (the parties see different transcripts)', async () => {
  const w = await world();
  try {
    const first = await sendMessage(w.t.mp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'hello' });
    await syncTo(w.t.wp, w.charter, first.receipt!.seq);
    const lie = handMade(w.t.wp, w.charter, { type: StatementType.heartbeat, body: new Uint8Array(0), head: { seq: first.receipt!.seq, chainHash: new Uint8Array(32).fill(9) } });
    const seq = await sendRaw(w.t.wp, w.charter, lie);
    assert.deepEqual(await syncTo(w.t.mp, w.charter, seq), ['head_mismatch']);
  } finally {
    await w.close();
  }
});

test('freeze: only heartbeats and unfreeze while frozen; only principals freeze and unfreeze', async () => {
  const w = await world();
  try {
    await assert.rejects(setFrozen(w.t.mo, w.charter, true), /only a principal/);
    const byOperator = await sendStatement(w.t.mo, w.charter, { type: StatementType.freeze, body: new Uint8Array(0) });
    assert.deepEqual(await syncTo(w.t.wp, w.charter, byOperator.receipt!.seq), ['not_allowed']);
    const freeze = await setFrozen(w.t.mp, w.charter, true);
    await syncTo(w.t.wp, w.charter, freeze.receipt!.seq);
    // Refused locally, before anything is signed or queued (issue 10 item 10)…
    const unsentBefore = w.t.wp.outbox.unsent().length;
    await assert.rejects(sendMessage(w.t.wp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'refused locally' }), /is frozen by a principal: only heartbeats and unfreeze/);
    assert.equal(w.t.wp.outbox.unsent().length, unsentBefore, 'nothing was queued');
    // …and a member whose terminal skips that check is still caught by every other terminal.
    const lie = handMade(w.t.wp, w.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: 'sent into a frozen channel' }) });
    await sendRaw(w.t.wp, w.charter, lie);
    const during = { statementId: statementId(lie) };
    const heartbeat = await sendStatement(w.t.wp, w.charter, { type: StatementType.heartbeat, body: new Uint8Array(0) });
    assert.deepEqual(await syncTo(w.t.mo, w.charter, heartbeat.receipt!.seq), ['not_allowed', 'channel_frozen'], 'the operator\'s freeze, then the message into the frozen channel');
    assert.equal(w.t.mo.archive.byId(w.charter.channelId, during.statementId)!.valid, false);
    assert.equal(w.t.mo.archive.byId(w.charter.channelId, heartbeat.statementId)!.valid, true, 'heartbeats go on');
    const devices = new Map(w.t.mo.directory.all().map((e) => [Buffer.from(e.deviceKey).toString('hex'), e]));
    assert.equal(channelBoard(w.charter, w.t.mo.archive, devices, Date.now()).parties[0]!.state, 'frozen');
    const unfreeze = await setFrozen(w.t.mp, w.charter, false);
    await syncTo(w.t.wp, w.charter, unfreeze.receipt!.seq); // wp's own check reads its archive: it must have seen the unfreeze
    const after = await sendMessage(w.t.wp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'after the unfreeze' });
    assert.ok(unfreeze.receipt!.seq < after.receipt!.seq);
    assert.deepEqual(await syncTo(w.t.mo, w.charter, after.receipt!.seq), []);
    assert.equal(w.t.mo.archive.byId(w.charter.channelId, after.statementId)!.valid, true);
  } finally {
    await w.close();
  }
});

test('threads and edits: a reply names its parent; an edit keeps earlier versions; only the author edits; a thread closes', async () => {
  const w = await world();
  try {
    const root = await sendMessage(w.t.mp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'Topic: the exchange schedule.' });
    await syncTo(w.t.wp, w.charter, root.receipt!.seq);
    const reply = await sendMessage(w.t.wp, w.charter, { precedence: Precedence.routine, language: 'en', text: 'Agreed.' }, root.statementId);
    await syncTo(w.t.mp, w.charter, reply.receipt!.seq);
    const rootId = Buffer.from(root.statementId).toString('hex').slice(0, 12);
    const edit = await editMessage(w.t.mp, w.charter, rootId, 'Topic: the exchange schedule (revised).');
    await assert.rejects(editMessage(w.t.wp, w.charter, rootId, 'not mine'), /only the device that sent a message can edit it/);
    const foreignEdit = await sendStatement(w.t.wp, w.charter, { type: StatementType.edit, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: 'hijacked' }), parent: root.statementId });
    const escalated = await sendStatement(w.t.mp, w.charter, { type: StatementType.edit, body: encodeMessageBody({ precedence: Precedence.immediate, language: 'en', text: 'now IMMEDIATE' }), parent: root.statementId });
    const close = await closeThread(w.t.mp, w.charter, rootId);
    assert.deepEqual(await syncTo(w.t.mo, w.charter, close.receipt!.seq), ['not_allowed', 'not_allowed'], 'another member\'s edit; an edit that changes the precedence');
    assert.ok(escalated.receipt !== undefined);
    const texts = transcript(w.t.mo, w.charter).map((l) => `${l.valid ? '' : 'INVALID '}${l.text}`);
    assert.deepEqual(texts.slice(-6), [
      'Topic: the exchange schedule.',
      `(reply to #${root.receipt!.seq}) Agreed.`,
      `(edit of #${root.receipt!.seq}) Topic: the exchange schedule (revised).`,
      `INVALID (edit of #${root.receipt!.seq}) hijacked`,
      `INVALID (edit of #${root.receipt!.seq}) now IMMEDIATE`,
      `closed the thread of #${root.receipt!.seq}`,
    ]);
    assert.ok(edit.receipt !== undefined && foreignEdit.receipt !== undefined);
  } finally {
    await w.close();
  }
});

test('a round that archives more than one receipt holds (1,024 ids) receipts all of it, in as many statements as it takes', async () => {
  const w = await world();
  try {
    const ids = Array.from({ length: 1100 }, () => new Uint8Array(randomBytes(32)));
    const last = await sendReceipts(w.t.mp, w.charter, ids, ReceiptKind.delivered);
    assert.ok(last?.receipt !== undefined, 'sent');
    // Random ids name no statement, so each receipt is also flagged: what counts here is that both are there.
    assert.deepEqual(await syncTo(w.t.mp, w.charter, last.receipt.seq), ['bad_reference', 'bad_reference']);
    const stored = Array.from({ length: last.receipt.seq }, (_, i) => w.t.mp.archive.at(w.charter.channelId, i + 1));
    const bodies = stored.filter((r) => r?.statement.type === StatementType.receipt).map((r) => decodeReceiptBody(r!.statement.body));
    const covered = bodies.flatMap((b) => (b.ok ? b.value.ids.map((id) => Buffer.from(id).toString('hex')) : []));
    assert.equal(bodies.length, 2, '1,024 + 76');
    assert.deepEqual(new Set(covered), new Set(ids.map((id) => Buffer.from(id).toString('hex'))));
  } finally {
    await w.close();
  }
});
