/**
 * The relay's SQLite database edited behind its back, one lie at a time (issue 5 item 8): the
 * relay is stopped, its database changed, and started again; a terminal that has not yet seen
 * the affected envelopes syncs and must raise the specific alert — never show the lie.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { decodeEnvelope, encodeEnvelope, generatePartyRoot, channelTag, encodeMessageBody, encodeRecord, nextChain, partyTag, Precedence, RecordKind, StatementType, certificateHash, issueDeviceCertificate, partyRootSigner, signerFor, type Charter } from '@hotline/protocol';
import { acceptInvitations, flushOutbox, openChannel, sendStatement, syncChannel, transcript, type Terminal } from '../src/index.js';
import { hotline, type Hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scene {
  readonly h: Hotline;
  readonly charter: Charter;
  /** Moscow's principal: joined, but has not synced the messages yet. */
  victim: Terminal;
  readonly sender: Terminal;
  close(): Promise<void>;
}

/** Washington's principal opens the channel, Moscow's principal joins, then Washington sends `count` messages (seq 2…). */
async function scene(count: number): Promise<Scene> {
  const h = await hotline();
  const sender = h.open('wp');
  const charter = h.charter();
  await openChannel(sender, charter);
  const victim = h.open('mp');
  for (let i = 0; (await acceptInvitations(victim)).joined.length === 0; i++) {
    assert.ok(i < 200, 'the victim joins');
    await sleep(25);
  }
  for (let i = 0; i < count; i++) {
    const sent = await sendStatement(sender, charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: `message ${i + 2}` }) });
    assert.equal(sent.receipt?.seq, i + 2);
  }
  const scene: Scene = {
    h,
    charter,
    victim,
    sender,
    async close() {
      for (const t of [scene.victim, sender]) {
        try {
          t.close();
        } catch {
          // closed already
        }
      }
      await h.close();
    },
  };
  return scene;
}

/** Syncs the victim until an alert with `code` is raised (log-level or channel-level), or fails. */
async function syncUntilAlert(s: Scene, code: string): Promise<{ texts: string[]; codes: string[] }> {
  const codes: string[] = [];
  for (let i = 0; i < 200; i++) {
    codes.push(...(await s.victim.refresh()).map((a) => a.code));
    if (!codes.includes(code)) codes.push(...(await syncChannel(s.victim, s.charter)).alerts.map((a) => a.code));
    if (codes.includes(code)) break;
    await sleep(25);
  }
  assert.ok(codes.includes(code), `expected ${code}, got ${JSON.stringify(codes)}`);
  assert.ok(s.victim.archive.alerts().some((a) => a.code === code), `${code} is stored in the archive`);
  return { texts: transcript(s.victim, s.charter).map((l) => l.text), codes };
}

function streamId(db: Database.Database, tag: Uint8Array): number {
  return (db.prepare('SELECT id FROM streams WHERE tag = ?').get(tag) as { id: number }).id;
}

/** Waits until the relay has integrated everything, so the edits below are behind a checkpoint. */
async function settled(s: Scene): Promise<void> {
  await s.sender.refresh();
  for (let i = 0; i < 200 && (s.sender.monitor.held?.size ?? 0) < 6; i++) {
    await sleep(25);
    await s.sender.refresh();
  }
}

test('a changed ciphertext byte: envelope_mismatch, and nothing after it is shown', async () => {
  const s = await scene(3);
  try {
    await settled(s);
    await s.h.restartRelay((db) => {
      const row = db.prepare('SELECT idx, body FROM log WHERE stream = ? AND seq = 3').get(streamId(db, channelTag(s.charter.channelId))) as { idx: number; body: Buffer };
      row.body[row.body.length - 5]! ^= 0x01;
      db.prepare('UPDATE log SET body = ? WHERE idx = ?').run(row.body, row.idx);
    });
    const { texts } = await syncUntilAlert(s, 'envelope_mismatch');
    assert.deepEqual(texts, ['message 2'], 'seq 2 is verified; the altered seq 3 and everything after it are not shown');
  } finally {
    await s.close();
  }
});

test('a deleted envelope: gap (the relay withheld it)', async () => {
  const s = await scene(3);
  try {
    await settled(s);
    await s.h.restartRelay((db) => {
      db.prepare('DELETE FROM log WHERE stream = ? AND seq = 3').run(streamId(db, channelTag(s.charter.channelId)));
    });
    const { texts, codes } = await syncUntilAlert(s, 'gap');
    assert.deepEqual(texts, ['message 2']);
    assert.ok(codes.includes('log_mismatch'), 'the entry bundles no longer rebuild the checkpoint root either');
  } finally {
    await s.close();
  }
});

test('two envelopes swapped: out_of_order, and the transcript keeps the logged order', async () => {
  const s = await scene(3);
  try {
    await settled(s);
    await s.h.restartRelay((db) => {
      const stream = streamId(db, channelTag(s.charter.channelId));
      db.transaction(() => {
        db.prepare('UPDATE log SET seq = -1 WHERE stream = ? AND seq = 3').run(stream);
        db.prepare('UPDATE log SET seq = 3 WHERE stream = ? AND seq = 4').run(stream);
        db.prepare('UPDATE log SET seq = 4 WHERE stream = ? AND seq = -1').run(stream);
      })();
    });
    const { texts } = await syncUntilAlert(s, 'out_of_order');
    for (let i = 0; i < 100 && transcript(s.victim, s.charter).length < 3; i++) await syncChannel(s.victim, s.charter);
    assert.deepEqual(transcript(s.victim, s.charter).map((l) => l.text), ['message 2', 'message 3', 'message 4']);
    assert.ok(texts.length <= 3);
  } finally {
    await s.close();
  }
});

test('a forged device certificate inserted into the directory and the log: forged_certificate, the device is not accepted', async () => {
  const s = await scene(1);
  try {
    await settled(s);
    const impostorRoot = generatePartyRoot('washington');
    const impostor = signerFor(randomBytes(32));
    const now = Math.floor(Date.now() / 1000);
    const forged = issueDeviceCertificate({ party: 'washington', member: 'Principal', roles: ['principal'], deviceKey: impostor.publicKey, notBefore: now - 60, notAfter: now + 86400 }, partyRootSigner(impostorRoot));
    await s.h.restartRelay((db) => {
      const tag = partyTag('washington');
      const stream = db.prepare('SELECT id, last_seq, chain FROM streams WHERE tag = ?').get(tag) as { id: number; last_seq: number; chain: Buffer };
      const idx = (db.prepare('SELECT max(idx) AS m FROM log').get() as { m: number }).m + 1;
      const itemHash = certificateHash(forged);
      const chain = nextChain(new Uint8Array(stream.chain), itemHash);
      const record = encodeRecord({ kind: RecordKind.certificate, streamTag: tag, seq: stream.last_seq + 1, itemHash, aux: impostor.publicKey, chainHash: chain, receivedAt: Date.now() });
      db.prepare('INSERT INTO log (idx, stream, seq, item_hash, record, body) VALUES (?, ?, ?, ?, ?, ?)').run(idx, stream.id, stream.last_seq + 1, itemHash, record, forged.bytes);
      db.prepare('UPDATE streams SET last_seq = ?, chain = ? WHERE id = ?').run(stream.last_seq + 1, chain, stream.id);
      db.prepare('INSERT INTO devices (key, party, member, roles, not_before, not_after, certificate) VALUES (?, ?, ?, ?, ?, ?, ?)').run(impostor.publicKey, 'washington', 'Principal', 1, forged.notBefore, forged.notAfter, forged.bytes);
    });
    await syncUntilAlert(s, 'forged_certificate');
    assert.equal(s.victim.directory.device(impostor.publicKey), undefined, 'the forged device is not in the verified directory');
    assert.equal(s.victim.admits(s.charter, impostor.publicKey), false);
  } finally {
    await s.close();
  }
});

test('the log rolled back to an earlier copy: rollback', async () => {
  const s = await scene(1);
  try {
    await settled(s);
    const copy = join(s.h.relayDir, 'earlier.db');
    await s.h.restartRelay(() => undefined); // closes cleanly, so relay.db alone is the whole database
    copyFileSync(join(s.h.relayDir, 'relay.db'), copy);
    for (let i = 0; i < 3; i++) await sendStatement(s.sender, s.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: `later ${i}` }) });
    // The victim verifies the longer log first.
    for (let i = 0; i < 200 && transcript(s.victim, s.charter).length < 4; i++) {
      await s.victim.refresh();
      await syncChannel(s.victim, s.charter);
      await sleep(25);
    }
    assert.equal(transcript(s.victim, s.charter).length, 4);
    await s.h.restartRelay(() => {
      copyFileSync(copy, join(s.h.relayDir, 'relay.db'));
    });
    await syncUntilAlert(s, 'rollback');
    assert.equal(transcript(s.victim, s.charter).length, 4, 'what was verified stays; nothing is replaced');
  } finally {
    await s.close();
  }
});

/**
 * The channel's opening MLS commit sequenced a second time (issue 10 item 7): the same commit
 * in a new envelope, which a relay must refuse (one commit per epoch). One that gets through —
 * here, past a relay whose record of committed epochs was edited away — is void for every
 * member and raised as `second_commit`, never applied or passed over silently.
 */
test('a replayed opening commit: second_commit on every terminal, and the channel goes on', async () => {
  const s = await scene(2);
  try {
    await settled(s);
    const opening = s.sender.db.prepare('SELECT envelope FROM outbox WHERE seq = 1').get() as { envelope: Buffer };
    const decoded = decodeEnvelope(new Uint8Array(opening.envelope));
    assert.ok(decoded.ok);
    // The same MLS commit in an envelope that differs in its (unused) commitment field, so it is
    // not an idempotent resubmission of the first.
    const replay = encodeEnvelope({ ...decoded.value, commitment: new Uint8Array(randomBytes(32)) });
    await s.h.restartRelay((db) => forgetCommittedEpochs(db));
    const receipt = await s.sender.relay.submit(s.charter.channelId, replay);
    const after = await sendStatement(s.sender, s.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: 'after the replay' }) });
    assert.ok(after.receipt);
    const { texts } = await syncUntilAlert(s, 'second_commit');
    const stored = s.victim.archive.alerts().find((a) => a.code === 'second_commit')!;
    assert.equal(stored.seq, receipt.seq, 'the alert names the replayed envelope');
    for (let i = 0; i < 100 && !transcript(s.victim, s.charter).some((l) => l.text === 'after the replay'); i++) {
      await s.victim.refresh();
      await syncChannel(s.victim, s.charter);
      await sleep(25);
    }
    assert.deepEqual(transcript(s.victim, s.charter).map((l) => l.text), [...texts.filter((t) => t !== 'after the replay'), 'after the replay'], 'the channel goes on past the void commit');
  } finally {
    await s.close();
  }
});

/** Removes the relay's record of which epochs have a commit (if it keeps one), as an attacker with its database could. */
function forgetCommittedEpochs(db: Database.Database): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%epoch%'").all() as { name: string }[]).map((t) => t.name);
  for (const table of tables) db.prepare(`DELETE FROM ${table}`).run();
}

/** Copies every table of the relay's database to `path` (VACUUM INTO: a consistent snapshot). */
function snapshot(db: Database.Database, path: string): void {
  db.prepare('VACUUM INTO ?').run(path);
}

/** Puts every table back as it was in the snapshot: the relay "lost" everything after it. */
function restore(db: Database.Database, path: string): void {
  db.prepare('ATTACH DATABASE ? AS snap').run(path);
  db.pragma('foreign_keys = OFF'); // tables are replaced whole, in any order
  try {
    const tables = (db.prepare("SELECT name FROM snap.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    db.transaction(() => {
      for (const table of tables) {
        db.prepare(`DELETE FROM main."${table}"`).run();
        db.prepare(`INSERT INTO main."${table}" SELECT * FROM snap."${table}"`).run();
      }
    })();
  } finally {
    db.prepare('DETACH DATABASE snap').run();
  }
}

test('a receipted envelope lost before it was witnessed, its seq given to another author: receipt_broken, kept, and sent again', async () => {
  const s = await scene(1);
  const copy = join(s.h.relayDir, '..', 'before-the-loss.db');
  try {
    await s.sender.refresh();
    await s.h.restartRelay((db) => snapshot(db, copy));
    const lost = await sendStatement(s.sender, s.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.flash, language: 'en', text: 'the FLASH the relay loses' }) });
    assert.ok(lost.receipt, 'the relay receipted it as durable');
    await s.h.restartRelay((db) => restore(db, copy));
    // Another author's envelope now gets the lost one's seq (and log index).
    const other = await sendStatement(s.victim, s.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: 'Moscow, on the reused seq' }) });
    assert.equal(other.receipt?.seq, lost.receipt.seq, 'the relay reused the seq');
    let codes: string[] = [];
    for (let i = 0; i < 200 && !codes.includes('receipt_broken'); i++) {
      codes = (await s.sender.refresh()).map((a) => a.code);
      await sleep(25);
    }
    assert.ok(codes.includes('receipt_broken'), `expected receipt_broken, got ${JSON.stringify(codes)}`);
    const stored = s.sender.archive.alerts().find((a) => a.code === 'receipt_broken')!;
    assert.equal(stored.seq, lost.receipt.seq);
    assert.match(stored.message, new RegExp(`statement ${Buffer.from(lost.statementId).toString('hex')}`), 'the alert names the statement');
    assert.equal(s.sender.outbox.unsent().length, 1, 'kept in the outbox, as unsent');
    // The next round sends it again, and the other party receives it after all.
    await syncChannel(s.sender, s.charter);
    for (let i = 0; i < 200 && !transcript(s.victim, s.charter).some((l) => l.text === 'the FLASH the relay loses'); i++) {
      await s.sender.refresh();
      await syncChannel(s.sender, s.charter).catch(() => undefined);
      await flushOutbox(s.sender);
      await s.victim.refresh();
      await syncChannel(s.victim, s.charter);
      await sleep(25);
    }
    assert.ok(transcript(s.victim, s.charter).some((l) => l.text === 'the FLASH the relay loses'), 'resent, and verified by the other party');
  } finally {
    await s.close();
  }
});
