/**
 * The views (issue 11 item 2) as data: the board, a channel's members, the transcript with its
 * evidence, drafts awaiting approval, and alerts — read from real terminals that opened, joined
 * and spoke on a real relay, and checked value by value: whole hex, times in ms, null for absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { toHex } from '@hotline/log';
import { draftCharter, partyRootSigner, Precedence, signCharter, type Charter } from '@hotline/protocol';
import { acceptInvitations, alertsView, approveDraft, boardView, draftMessage, draftsView, KeyStore, membersView, openChannel, sendMessage, syncChannel, transcriptView, type Terminal } from '../src/index.js';
import { hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEX64 = /^[0-9a-f]{64}$/;

async function syncTo(t: Terminal, charter: Charter, seq: number): Promise<void> {
  for (let i = 0; i < 400 && (t.archive.position(charter.channelId)?.nextSeq ?? 0) <= seq; i++) {
    await t.refresh();
    await syncChannel(t, charter);
    if ((t.archive.position(charter.channelId)?.nextSeq ?? 0) <= seq) await sleep(25);
  }
  assert.ok((t.archive.position(charter.channelId)?.nextSeq ?? 0) > seq, `synced to ${seq}`);
}

test('the views: board, members, transcript evidence, drafts and alerts, as typed data', { timeout: 120_000 }, async () => {
  const h = await hotline();
  // FLASH from Washington needs one approval; PRIORITY acks are due within 60 s.
  const charter = h.charter({ approvals: [{ party: 0, precedence: Precedence.flash, required: 1, roles: ['principal', 'operator'] }], ackDeadlines: [60, 60, 60, 0] });
  const signed = signCharter(draftCharter({ ...charter, channelId: new Uint8Array(randomBytes(16)), name: 'washington-internal', parties: [charter.parties[0]!], approvals: [] }), partyRootSigner(new KeyStore(h.homes.wp).party()));
  assert.ok(signed.ok);
  const internal = signed.value;
  const t = { wp: h.open('wp'), wo: h.open('wo'), mp: h.open('mp') };
  try {
    await openChannel(t.wp, charter);
    await openChannel(t.wp, internal);
    for (const [name, wanted] of [['wo', 2], ['mp', 1]] as const) {
      let have = 0;
      for (let i = 0; i < 400 && have < wanted; i++) {
        have += (await acceptInvitations(t[name])).joined.length;
        if (have < wanted) await sleep(25);
      }
      assert.equal(have, wanted, `${name} joins`);
    }
    const sent = await sendMessage(t.wp, charter, { precedence: Precedence.priority, language: 'en', text: 'Please acknowledge.' });
    assert.ok(sent.receipt !== undefined);
    await syncTo(t.mp, charter, sent.receipt.seq);

    // Members: every MLS leaf (the opener added each device with a key package), named by the verified directory, with whole device keys.
    const members = membersView(t.mp, charter);
    assert.deepEqual(members.map((m) => [m.party, m.member, m.revoked]), [['moscow', 'Operator', false], ['moscow', 'Principal', false], ['washington', 'Operator', false], ['washington', 'Principal', false]]);
    assert.equal(members.find((m) => m.party === 'moscow' && m.member === 'Principal')!.deviceKey, toHex(t.mp.deviceKey));
    assert.deepEqual(members.find((m) => m.party === 'washington' && m.member === 'Operator')!.roles, ['operator']);

    // The board: the log, this device, the channel with its head, members and the rules' board.
    const board = boardView(t.mp, { alerts: 10, reachable: true });
    assert.equal(board.device.key, toHex(t.mp.deviceKey));
    assert.equal(board.device.party, 'moscow');
    assert.ok(board.log !== null);
    assert.match(board.log.root, HEX64);
    assert.deepEqual(board.log.witnesses, [], 'this fixture runs without witnesses');
    assert.ok(board.log.size > 0);
    const channel = board.channels.find((c) => c.name === charter.name)!;
    assert.equal(channel.id, toHex(charter.channelId));
    assert.equal(channel.internal, false);
    assert.equal(channel.head.seq, sent.receipt.seq);
    assert.match(channel.head.chain, HEX64);
    assert.deepEqual(channel.members, members);
    const deadline = channel.board.deadlines.find((d) => d.seq === sent.receipt!.seq)!;
    assert.deepEqual({ from: deadline.from, to: deadline.to, state: deadline.state, ackedAt: deadline.ackedAt, messageId: deadline.messageId }, { from: 'washington', to: 'moscow', state: 'pending', ackedAt: null, messageId: toHex(sent.statementId) });
    const message = transcriptView(t.mp, charter).find((e) => e.seq === sent.receipt!.seq)!;
    assert.equal(deadline.due, message.evidence.receivedAt + 60_000, 'due: the receive time plus the charter deadline, in ms');
    const washington = channel.board.parties.find((p) => p.party === 'washington')!;
    assert.equal(washington.lastMessage, message.evidence.receivedAt);
    assert.equal(washington.reason, null);
    assert.deepEqual(board.channels.map((c) => c.name), [charter.name], 'Moscow never sees the internal channel');

    // The transcript entry: whole id, precedence, and the evidence behind it.
    assert.equal(message.id, toHex(sent.statementId));
    assert.equal(message.precedence, 'PRIORITY');
    assert.equal(message.text, 'Please acknowledge.');
    assert.equal(message.evidence.logIndex, sent.receipt.logIndex);
    assert.ok(message.evidence.checkpoint !== null && message.evidence.checkpoint.size > message.evidence.logIndex);
    assert.deepEqual(message.evidence.author, { party: 'washington', member: 'Principal', roles: ['principal', 'admin'], deviceKey: toHex(t.wp.deviceKey) });
    assert.deepEqual(transcriptView(t.mp, charter, { last: 1 }).map((e) => e.seq), [sent.receipt.seq], 'the last n');

    // Drafts: the operator's approval, by device, and the state it leaves the draft in.
    const draft = await draftMessage(t.wp, charter, { precedence: Precedence.flash, language: 'en', text: 'FLASH, two-person approved.' });
    assert.ok(draft.receipt !== undefined);
    await syncTo(t.wo, internal, draft.receipt.seq);
    const waiting = draftsView(t.wo);
    assert.deepEqual(waiting.map((d) => [d.id, d.state, d.precedence, d.text, d.required, d.sent, d.mine]), [[toHex(draft.statementId), 'waiting', 'flash', 'FLASH, two-person approved.', 1, null, false]]);
    assert.deepEqual(waiting[0]!.author, { party: 'washington', member: 'Principal', deviceKey: toHex(t.wp.deviceKey) });
    const approval = await approveDraft(t.wo, toHex(draft.statementId).slice(0, 12));
    await syncTo(t.wp, internal, approval.receipt!.seq);
    const ready = draftsView(t.wp);
    assert.equal(ready[0]!.state, 'ready', "approved: its author's terminal sends it next");
    assert.equal(ready[0]!.mine, true);
    assert.deepEqual(ready[0]!.approvedBy, [{ party: 'washington', member: 'Operator', deviceKey: toHex(t.wo.deviceKey) }]);

    // Alerts: evidence kept for good, conditions with a start and an end, times in ms.
    assert.deepEqual(alertsView(t.mp, 10), { open: [], evidence: [], resolved: [], evidenceOnRecord: false });
    t.mp.conditions.raise('unavailable', 'test', 'the relay went away');
    const open = alertsView(t.mp, 10).open;
    assert.deepEqual(open.map((c) => [c.kind, c.code, c.message, c.endedAt]), [['condition', 'unavailable', 'the relay went away', null]]);
    t.mp.conditions.end('unavailable', 'test');
    t.mp.archive.alert(charter.channelId, { code: 'fork', message: 'two views of the log', seq: 3, logIndex: 7, evidence: { relayCheckpoint: 'a', witnessCheckpoint: 'b' } });
    const after = alertsView(t.mp, 10);
    assert.deepEqual(after.open, []);
    assert.equal(after.resolved[0]!.id, open[0]!.id);
    assert.ok(after.resolved[0]!.endedAt! >= after.resolved[0]!.startedAt && after.resolved[0]!.durationMs === after.resolved[0]!.endedAt! - after.resolved[0]!.startedAt);
    const { id, at, ...evidence } = after.evidence[0]!;
    assert.ok(id > 0 && at > 0);
    assert.deepEqual(evidence, { kind: 'evidence', code: 'fork', message: 'two views of the log', channel: toHex(charter.channelId), seq: 3, logIndex: 7, evidence: { relayCheckpoint: 'a', witnessCheckpoint: 'b' } });
    assert.equal(after.evidenceOnRecord, true);
    assert.deepEqual(alertsView(t.mp, 0).evidence, [], 'none listed, but still on record');
    assert.equal(alertsView(t.mp, 0).evidenceOnRecord, true);
  } finally {
    for (const x of Object.values(t)) x.close();
    await h.close();
  }
});
