/**
 * Hostile cases an independent review found: a relay that withholds the end of a channel, an
 * invitation rewritten to start a new member later in the history, two processes joining from
 * one invitation, and a device revoked after it spoke (terminals that sync later must agree
 * with those that synced earlier).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { channelTag, decodeInvitation, encodeInvitation, encodeMessageBody, issueRevocation, partyRootSigner, Precedence, StatementType, type Charter } from '@hotline/protocol';
import { RelayClient } from '@hotline/relay/client';
import { acceptInvitations, KeyStore, openChannel, sendStatement, syncChannel, transcript, type Terminal } from '../src/index.js';
import { hotline, type Hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (t: Terminal, charter: Charter, text: string) => sendStatement(t, charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text }) });

async function joined(t: Terminal): Promise<void> {
  for (let i = 0; (await acceptInvitations(t)).joined.length === 0; i++) {
    assert.ok(i < 200, 'joins');
    await sleep(25);
  }
}

async function syncUntil(t: Terminal, charter: Charter, done: (codes: string[]) => boolean): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < 200 && !done(codes); i++) {
    await t.refresh();
    codes.push(...(await syncChannel(t, charter)).alerts.map((a) => a.code));
    if (!done(codes)) await sleep(25);
  }
  return codes;
}

async function withHotline(work: (h: Hotline, opened: Terminal[]) => Promise<void>): Promise<void> {
  const h = await hotline();
  const opened: Terminal[] = [];
  try {
    await work(h, opened);
  } finally {
    for (const t of opened) {
      try {
        t.close();
      } catch {
        // closed
      }
    }
    await h.close();
  }
}

test('withheld: the relay stops delivering a channel the log proves is longer', async () => {
  await withHotline(async (h, opened) => {
    const wp = h.open('wp');
    const mp = h.open('mp');
    opened.push(wp, mp);
    const charter = h.charter();
    await openChannel(wp, charter);
    await joined(mp);
    for (const text of ['one', 'two', 'three']) await say(wp, charter, text);
    // Moscow's terminal has proven the log records of all four (its scan covers them)…
    for (let i = 0; i < 200 && mp.provenSeq(charter.channelId) < 4; i++) {
      await sleep(25);
      await mp.refresh();
    }
    assert.equal(mp.provenSeq(charter.channelId), 4);
    // …then the relay stops serving the last two envelopes (their rows are gone).
    await h.restartRelay((db) => {
      const stream = (db.prepare('SELECT id FROM streams WHERE tag = ?').get(channelTag(charter.channelId)) as { id: number }).id;
      // Hide seq 3 onwards from the channel's reads by moving the rows to another stream: the
      // log keeps every record (a relay refuses to start on a log shorter than its checkpoint),
      // but the relay no longer delivers them — withholding, as a lying relay would.
      const hidden = Number(db.prepare('INSERT INTO streams (tag, last_seq, chain) VALUES (?, 0, ?)').run(Buffer.alloc(32, 0xee), Buffer.alloc(32)).lastInsertRowid);
      db.prepare('UPDATE log SET stream = ? WHERE stream = ? AND seq >= 3').run(hidden, stream);
    });
    const codes = await syncUntil(mp, charter, (c) => c.includes('withheld'));
    assert.ok(codes.includes('withheld'), JSON.stringify(codes));
    assert.deepEqual(transcript(mp, charter).map((l) => l.text), ['one']);
  });
});

test('an invitation rewritten to point at a later envelope is refused', async () => {
  await withHotline(async (h, opened) => {
    const wp = h.open('wp');
    const mp = h.open('mp');
    opened.push(wp, mp);
    const charter = h.charter();
    await openChannel(wp, charter);
    const later = await say(wp, charter, 'said before Moscow joins');
    await wp.refresh();
    // The relay rewrites mp's invitation: start at the later application envelope instead.
    const wpClient = new RelayClient(h.relay.url);
    await wpClient.login(wp.device.signer);
    const [delivery] = await wpClient.envelopes(charter.channelId, later.receipt!.seq, 1);
    const db = new Database(join(h.relayDir, 'relay.db'));
    try {
      const row = db.prepare('SELECT id, body FROM mailbox WHERE recipient = ? AND kind = 1').get(mp.deviceKey) as { id: number; body: Buffer };
      const inv = decodeInvitation(new Uint8Array(row.body));
      assert.ok(inv.ok);
      db.prepare('UPDATE mailbox SET body = ? WHERE id = ?').run(encodeInvitation({ ...inv.value, commitSeq: later.receipt!.seq, commitEnvelope: delivery!.envelope }), row.id);
    } finally {
      db.close();
    }
    let refused: string[] = [];
    for (let i = 0; i < 200 && refused.length === 0; i++) {
      const outcome = await acceptInvitations(mp);
      assert.equal(outcome.joined.length, 0, 'never joins at the wrong place');
      refused = outcome.refused;
      await sleep(25);
    }
    assert.match(refused[0] ?? '', /not the commit that the welcome follows/);
    assert.equal(mp.charters.get(charter.channelId), undefined, 'nothing stored');
  });
});

test('two processes accepting one invitation: one joins, the other leaves its state alone', async () => {
  await withHotline(async (h, opened) => {
    const wp = h.open('wp');
    opened.push(wp);
    const charter = h.charter();
    await openChannel(wp, charter);
    const first = h.open('mp');
    const second = h.open('mp');
    opened.push(first, second);
    let joinedCount = 0;
    for (let i = 0; i < 200 && joinedCount === 0; i++) {
      const outcomes = await Promise.all([acceptInvitations(first), acceptInvitations(second)]);
      joinedCount = outcomes.reduce((n, o) => n + o.joined.length, 0);
      for (const o of outcomes) assert.deepEqual(o.refused, []);
      if (joinedCount === 0) await sleep(25);
    }
    assert.equal(joinedCount, 1, 'exactly one process joined');
    const sent = await say(wp, charter, 'after the join');
    const codes = await syncUntil(first, charter, () => (first.archive.position(charter.channelId)?.nextSeq ?? 0) > sent.receipt!.seq);
    assert.deepEqual(codes, []);
    assert.deepEqual(transcript(second, charter).map((l) => l.text), ['after the join'], 'the other process sees the same home');
  });
});

test('a device revoked after it spoke: terminals that sync later still accept what it said before', async () => {
  await withHotline(async (h, opened) => {
    const wp = h.open('wp');
    const wo = h.open('wo');
    const mp = h.open('mp');
    opened.push(wp, wo, mp);
    const charter = h.charter();
    await openChannel(wp, charter);
    await joined(wo);
    await joined(mp);
    const before = await say(wo, charter, 'sent before my revocation');
    const root = partyRootSigner(new KeyStore(h.homes.wp).party());
    await new RelayClient(h.relay.url).revokeDevice(issueRevocation({ party: 'washington', deviceKey: wo.deviceKey, time: Math.floor(Date.now() / 1000), reason: 'device lost' }, root).bytes);
    const codes = await syncUntil(mp, charter, () => (mp.archive.position(charter.channelId)?.nextSeq ?? 0) > before.receipt!.seq);
    assert.deepEqual(codes, [], 'no unknown_author for a message logged before the revocation');
    for (let i = 0; i < 100 && mp.directory.device(wo.deviceKey) !== undefined; i++) {
      await sleep(25);
      await mp.refresh();
    }
    assert.equal(mp.directory.device(wo.deviceKey), undefined, 'revoked for everyone from now on');
    assert.deepEqual(transcript(mp, charter).map((l) => l.text), ['sent before my revocation']);
  });
});

test('bad_receive_time: a relay that dates a record before the one it follows', async () => {
  await withHotline(async (h, opened) => {
    const wp = h.open('wp');
    const mp = h.open('mp');
    opened.push(wp, mp);
    const charter = h.charter();
    await openChannel(wp, charter);
    await joined(mp);
    await say(wp, charter, 'dated honestly');
    // The relay's clock is set back two minutes (certificates allow five of skew): a backdated
    // record would make a late acknowledgement look on time.
    await h.restartRelay(() => undefined, { now: () => Date.now() - 120_000 });
    const backdated = await say(wp, charter, 'dated two minutes early');
    const codes = await syncUntil(mp, charter, (c) => c.includes('bad_receive_time'));
    assert.ok(codes.includes('bad_receive_time'), JSON.stringify(codes));
    assert.deepEqual(transcript(mp, charter).map((l) => l.text), ['dated honestly']);
    assert.ok(backdated.receipt !== undefined);
  });
});
