/**
 * The change feed (issue 11 item 2): a reader on another connection to the home — as another
 * process would be — that "disconnects" 20 times during a 1,000-message exchange (closes, and
 * comes back from the cursor it kept) ends with exactly the 1,000 messages, in order, once each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessageBody, encodeMessageBody, Precedence, StatementType } from '@hotline/protocol';
import { acceptInvitations, openChannel, sendStatement, syncChannel, transcriptEntry, type Terminal } from '../src/index.js';
import { hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MESSAGES = 1000;

test('a feed reader that disconnects 20 times during 1,000 messages ends with exactly the 1,000, in order', { timeout: 180_000 }, async () => {
  const h = await hotline();
  const sender = h.open('wp');
  const receiver = h.open('mp');
  let reader: Terminal | undefined;
  try {
    const charter = h.charter();
    await openChannel(sender, charter);
    while ((await acceptInvitations(receiver)).joined.length === 0) await sleep(25);
    let cursor = 0;
    const seen: string[] = [];
    let reconnects = 0;
    const read = () => {
      reader ??= h.open('mp');
      for (const e of reader.archive.feed.after(cursor, 37)) {
        cursor = e.id;
        if (e.kind !== 'statement' || e.seq === null) continue;
        const s = reader.archive.at(charter.channelId, e.seq)!;
        if (s.statement.type !== StatementType.message) continue;
        const body = decodeMessageBody(s.statement.body);
        assert.ok(body.ok);
        seen.push(body.value.text);
      }
      if (reconnects < 20 && seen.length >= (reconnects + 1) * (MESSAGES / 21)) {
        reader.close(); // the reader goes away; it comes back with only its cursor
        reader = undefined;
        reconnects++;
      }
    };
    for (let i = 0; i < MESSAGES; i++) {
      const sent = await sendStatement(sender, charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: `message ${i}` }) });
      assert.ok(sent.receipt);
      if (i % 50 === 49) {
        await receiver.refresh();
        await syncChannel(receiver, charter);
        read();
      }
    }
    for (let i = 0; i < 400 && seen.length < MESSAGES; i++) {
      await receiver.refresh();
      await syncChannel(receiver, charter);
      read();
      await sleep(10);
    }
    assert.equal(reconnects, 20, 'the reader went away and came back 20 times');
    assert.equal(seen.length, MESSAGES, 'every message once');
    assert.deepEqual(seen, Array.from({ length: MESSAGES }, (_, i) => `message ${i}`), 'in the order the log gave them');
    // The transcript view: each entry with the evidence behind it, as data.
    const first = receiver.archive.ofTypes(charter.channelId, [StatementType.message])[0]!;
    const entry = transcriptEntry(receiver, charter, first.seq)!;
    assert.equal(entry.text, 'message 0');
    assert.match(entry.id, /^[0-9a-f]{64}$/);
    assert.ok(entry.evidence.checkpoint !== null && entry.evidence.checkpoint.size > entry.evidence.logIndex, 'a verified checkpoint covers it');
    assert.deepEqual(entry.evidence.checkpoint.witnesses, [], 'this fixture runs without witnesses');
    assert.equal(entry.evidence.author?.party, 'washington');
    assert.equal(transcriptEntry(receiver, charter, 1), undefined, 'seq 1 is the opening commit, no statement');
  } finally {
    reader?.close();
    sender.close();
    receiver.close();
    await h.close();
  }
});
