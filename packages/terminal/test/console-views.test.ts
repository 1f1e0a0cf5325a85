/**
 * The console's views (issue 13, console-api.md §2): a transcript page with one badge per entry
 * and the thread facts of each message, the evidence a browser checks itself, read receipts for
 * what was shown — on real terminals, a real relay and real SQLite homes. Hostile cases: a byte
 * of an archived statement and a byte of an archived record changed behind the terminal's back
 * (badge invalid, `archive_altered` stored once), a statement missing from the archive while the
 * log proves its envelope (withheld).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bytesEqual, fromHex, leafHash, parseCheckpoint, toHex, verifyInclusion } from '@hotline/log';
import { channelTag, decodeRecord, openStatement, Precedence, statementCommitment, type Charter } from '@hotline/protocol';
import { acceptInvitations, acknowledge, channelNameSafety, closeThread, consoleTranscript, editMessage, markShown, openChannel, sendMessage, statementEvidence, syncChannel, type ConsoleEntry, type Sent, type Terminal } from '../src/index.js';
import { eventually, hotline } from './hotline-fixture.js';

async function caughtUp(t: Terminal, charter: Charter, seq: number): Promise<void> {
  await eventually(`verified to seq ${seq}`, async () => {
    await t.refresh();
    await syncChannel(t, charter);
    const at = t.archive.position(charter.channelId)?.nextSeq ?? 0;
    const record = t.archive.channelRecords(channelTag(charter.channelId), seq, seq)[0];
    return at > seq && record !== undefined && t.logHashes.size() > record.logIndex && t.archive.checkpointCovering(record.logIndex) !== undefined ? true : undefined;
  });
}

const text = (body: string) => ({ precedence: Precedence.routine, language: 'en', text: body });
const seqOf = (s: Sent) => {
  assert.ok(s.receipt, s.error);
  return s.receipt.seq;
};
const bySeq = (entries: readonly ConsoleEntry[], seq: number) => {
  const e = entries.find((x) => x.seq === seq);
  assert.ok(e, `an entry at seq ${seq}`);
  return e;
};

/** Changes the archived row at `seq` in the home's database file, as another process (or the disk) would. */
function alterArchive(home: string, charter: Charter, seq: number, column: 'statement' | 'record', change: (bytes: Buffer) => void): void {
  const db = new Database(join(home, 'terminal.db'));
  try {
    const row = db.prepare(`SELECT ${column} AS b FROM statements WHERE channel = ? AND seq = ?`).get(charter.channelId, seq) as { b: Buffer };
    const bytes = Buffer.from(row.b);
    change(bytes);
    db.prepare(`UPDATE statements SET ${column} = ? WHERE channel = ? AND seq = ?`).run(bytes, charter.channelId, seq);
  } finally {
    db.close();
  }
}

test('console transcript: badges, thread facts, pending and withheld entries, evidence, read receipts, an altered archive', { timeout: 180_000 }, async () => {
  const h = await hotline();
  const [wp, mp] = [h.open('wp'), h.open('mp')];
  try {
    const charter = h.charter();
    await openChannel(wp, charter);
    await eventually('joined', async () => ((await acceptInvitations(mp)).joined.length > 0 ? true : undefined));
    const a = await sendMessage(wp, charter, text('Please confirm the schedule.'));
    const reply = await sendMessage(mp, charter, text('Confirmed.'), a.statementId);
    const aHex = toHex(a.statementId);
    await caughtUp(wp, charter, seqOf(reply));
    const edit = await editMessage(wp, charter, aHex, 'Please confirm the new schedule.');
    await caughtUp(mp, charter, seqOf(edit));
    const ack = await acknowledge(mp, charter, aHex);
    const close = await closeThread(wp, charter, aHex);
    const withheld = await sendMessage(wp, charter, text('to be missing'));
    const textChanged = await sendMessage(wp, charter, text('tamper with this text'));
    const recordChanged = await sendMessage(wp, charter, text('tamper with this record'));
    const lastSeq = seqOf(recordChanged);
    await caughtUp(mp, charter, lastSeq);
    await caughtUp(wp, charter, lastSeq);

    // Every archived entry verified: a checkpoint the policy accepts covers it.
    const page = consoleTranscript(mp, charter, {});
    assert.equal(page.more, false);
    assert.deepEqual(page.entries.map((e) => e.seq), [...page.entries.map((e) => e.seq)].sort((x, y) => x - y), 'oldest first');
    for (const e of page.entries) assert.deepEqual(e.badge, { state: 'verified', alert: null }, `seq ${e.seq}`);
    assert.ok(!page.entries.some((e) => e.type === 'receipt' || e.type === 'heartbeat'), 'receipts and heartbeats only with all');

    // Thread facts of the first message: the reply, the edit, the ack, the close.
    const first = bySeq(page.entries, seqOf(a));
    assert.ok(first.thread);
    assert.equal(first.thread.parent, null);
    assert.deepEqual(first.thread.replies, [toHex(reply.statementId)]);
    assert.deepEqual(first.thread.edits.map((x) => [x.seq, x.id, x.text]), [[seqOf(edit), toHex(edit.statementId), 'Please confirm the new schedule.']]);
    assert.equal(first.thread.closed, true);
    assert.deepEqual(first.thread.acks, [{ party: 'moscow', member: 'Principal', seq: seqOf(ack), id: toHex(ack.statementId) }]);
    assert.equal(bySeq(page.entries, seqOf(reply)).thread?.parent, aHex, 'a reply names its parent');
    assert.equal(bySeq(page.entries, seqOf(ack)).thread, null, 'thread facts are for messages');
    assert.equal(bySeq(page.entries, seqOf(close)).badge.state, 'verified');

    assert.deepEqual(channelNameSafety(mp, charter), { lookAlike: [] }, 'washington, moscow, their principals and the channel look like no other');

    // Paging: the last two, then what comes before them; out-of-range options are clamped.
    const two = consoleTranscript(mp, charter, { last: 2 });
    assert.deepEqual(two.entries.map((e) => e.seq), [seqOf(textChanged), lastSeq]);
    assert.equal(two.more, true);
    const older = consoleTranscript(mp, charter, { before: seqOf(textChanged), last: 1000 });
    assert.deepEqual([...older.entries, ...two.entries].map((e) => e.seq), page.entries.map((e) => e.seq));
    assert.equal(older.more, false);
    assert.equal(consoleTranscript(mp, charter, { last: 0 }).entries.length, 1, 'at least one');
    assert.deepEqual(consoleTranscript(mp, charter, { before: 1 }), { entries: [], more: false });
    assert.equal(consoleTranscript(mp, charter, { last: Number.NaN }).entries.length, page.entries.length, 'NaN: the default');

    // Read receipts for what Moscow was shown: Washington's messages only, and once.
    assert.equal(await markShown(mp, charter, [seqOf(a), seqOf(reply), seqOf(ack)]), 1, 'the one message of another party');
    assert.equal(await markShown(mp, charter, [seqOf(a)]), 0, 'not twice while the receipt waits');
    const receiptSeq = lastSeq + 1;
    await caughtUp(wp, charter, receiptSeq);
    await caughtUp(mp, charter, receiptSeq);
    assert.equal(await markShown(mp, charter, [seqOf(a), seqOf(reply)]), 0, 'nor once it is archived');
    const seen = bySeq(consoleTranscript(wp, charter, { all: true }).entries, seqOf(a));
    assert.deepEqual(seen.thread?.receipts, [{ party: 'moscow', member: 'Principal', kind: 'read', seq: receiptSeq }]);
    assert.equal(bySeq(consoleTranscript(wp, charter, { all: true }).entries, receiptSeq).type, 'receipt');

    // Evidence: the browser's own check of §5 passes with exactly what the view hands it.
    const evidence = statementEvidence(mp, charter, seqOf(a));
    assert.ok(evidence);
    assert.equal(evidence.badge.state, 'verified');
    const statement = openStatement(fromHex(evidence.statement)!);
    assert.ok(statement.ok, 'signed by its author');
    assert.equal(toHex(statement.value.author), evidence.author.deviceKey);
    assert.deepEqual([evidence.author.party, evidence.author.member], ['washington', 'Principal']);
    assert.equal(typeof evidence.author.certificateLogIndex, 'number');
    const record = decodeRecord(fromHex(evidence.record)!);
    assert.ok(record.ok && record.value.seq === seqOf(a) && bytesEqual(record.value.aux, statementCommitment(statement.value)), 'the record commits to it');
    assert.equal(evidence.leafHash, toHex(leafHash(fromHex(evidence.record)!)));
    assert.ok(evidence.checkpoint);
    assert.equal(evidence.checkpoint.size, mp.archive.checkpointCovering(evidence.logIndex)!.size, 'the smallest covering checkpoint');
    const checkpoint = parseCheckpoint(evidence.checkpoint.note.slice(0, evidence.checkpoint.note.indexOf('\n\n') + 1));
    assert.ok(checkpoint.ok);
    const proof = evidence.inclusionProof.map((x) => fromHex(x)!);
    assert.ok(verifyInclusion(fromHex(evidence.leafHash)!, evidence.logIndex, evidence.checkpoint.size, proof, checkpoint.value.rootHash).ok, 'the proof reaches the checkpoint root');
    assert.equal(verifyInclusion(leafHash(new Uint8Array(146)), evidence.logIndex, evidence.checkpoint.size, proof, checkpoint.value.rootHash).ok, false, 'and only for this record');
    assert.equal(evidence.logKey, h.relay.logVkey);
    assert.deepEqual(evidence.witnessKeys, []);
    assert.equal(evidence.policy, h.policy);
    assert.equal(statementEvidence(mp, charter, 1), undefined, 'seq 1 is the opening commit: no statement');

    // Pending: Washington's own send, receipted, not yet archived.
    const pending = await sendMessage(wp, charter, text('not synced yet'));
    const mine = consoleTranscript(wp, charter, { last: 1 });
    assert.equal(mine.entries.length, 1);
    const p = mine.entries[0]!;
    assert.deepEqual([p.seq, p.id, p.type, p.author, p.badge.state, p.evidence.logIndex, p.evidence.checkpoint], [seqOf(pending), toHex(pending.statementId), 'message', 'washington / Principal', 'pending', pending.receipt!.logIndex, null]);
    assert.match(p.text, /not synced yet/);
    assert.deepEqual(p.thread?.replies, []);

    // Withheld: the log proves the envelope; this archive no longer holds a statement for it.
    const moscowHome = h.homes.mp;
    const db = new Database(join(moscowHome, 'terminal.db'));
    db.prepare('DELETE FROM statements WHERE channel = ? AND seq = ?').run(charter.channelId, seqOf(withheld));
    db.close();
    const gone = bySeq(consoleTranscript(mp, charter, {}).entries, seqOf(withheld));
    assert.deepEqual([gone.type, gone.text, gone.badge.state, gone.badge.alert], ['withheld', '', 'withheld', null]);
    assert.notEqual(gone.evidence.receivedAt, 0, 'the record says when the relay received it');
    assert.equal(statementEvidence(mp, charter, seqOf(withheld)), undefined);

    // A byte of a statement's text, and separately a byte of another's record (its receive time), changed on disk.
    alterArchive(moscowHome, charter, seqOf(textChanged), 'statement', (b) => {
      const at = b.indexOf('tamper with this text');
      assert.ok(at > 0);
      b[at] = 'T'.charCodeAt(0);
    });
    alterArchive(moscowHome, charter, lastSeq, 'record', (b) => {
      b[b.length - 1] = b[b.length - 1]! ^ 1;
    });
    const feedBefore = mp.archive.feed.last();
    for (let i = 0; i < 2; i++) {
      const entries = consoleTranscript(mp, charter, {}).entries;
      for (const seq of [seqOf(textChanged), lastSeq]) {
        const badge = bySeq(entries, seq).badge;
        assert.equal(badge.state, 'invalid', `seq ${seq}, call ${i + 1}`);
        assert.equal(badge.alert?.code, 'archive_altered');
        assert.match(badge.alert!.message, /changed after it was verified/);
      }
      assert.equal(bySeq(entries, seqOf(a)).badge.state, 'verified', 'the others stay verified');
    }
    assert.match(bySeq(consoleTranscript(mp, charter, {}).entries, seqOf(textChanged)).badge.alert!.message, /no longer verifies/);
    assert.match(bySeq(consoleTranscript(mp, charter, {}).entries, lastSeq).badge.alert!.message, /leaf hash/);
    const stored = mp.archive.alerts(100).filter((x) => x.code === 'archive_altered');
    assert.deepEqual(stored.map((x) => x.seq).sort(), [seqOf(textChanged), lastSeq].sort(), 'one alert each, after several calls');
    const events = mp.archive.feed.after(feedBefore).filter((e) => e.kind === 'alert');
    assert.deepEqual(events.map((e) => e.seq).sort(), [seqOf(textChanged), lastSeq].sort(), 'each alert is a feed event');
    assert.equal(statementEvidence(mp, charter, seqOf(textChanged))?.badge.state, 'invalid', 'the evidence view says so too');
  } finally {
    wp.close();
    mp.close();
    await h.close();
  }
});
