/**
 * Gathering a record export from the archive alone (issue 12 item 3), on a real relay: what the
 * opener and a joiner gather, checked against the log itself — every record's leaf proven under
 * the final checkpoint from the archive's leaf hashes, the earlier checkpoint consistent with it,
 * each directory stream whole — and what cannot be exported is refused by code: a bad range, an
 * unknown id, a home older than record export (until its next sync fills it), another party's
 * revocation the relay does not serve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bytesEqual, formatVerifierKey, inclusionProof, leafHash, parseCheckpoint, toHex, verifyConsistency, verifyInclusion, verifyMultiInclusion } from '@hotline/log';
import { channelTag, decodeDeviceCertificate, decodeRecord, decodeRevocation, genesisChain, issueRevocation, openStatement, partyRootSigner, Precedence, RecordKind, statementCommitment, type Charter } from '@hotline/protocol';
import { acceptInvitations, gatherRecord, KeyStore, openChannel, revokeDevice, sendMessage, syncChannel, type GatheredRecord, type RecordSource, type Terminal } from '../src/index.js';
import { encodeRecordBundle, verifyRecordBundle, type RecordTrust } from '@hotline/verify';
import { eventually, hotline } from './hotline-fixture.js';

async function caughtUp(t: Terminal, charter: Charter, seq: number): Promise<void> {
  await eventually(`verified to seq ${seq}`, async () => {
    await t.refresh();
    await syncChannel(t, charter);
    const at = t.archive.position(charter.channelId)?.nextSeq ?? 0;
    const record = t.archive.channelRecords(channelTag(charter.channelId), seq, seq)[0];
    return at > seq && record !== undefined && t.logHashes.size() > record.logIndex ? true : undefined;
  });
}

/** What `hotline verify --home` trusts: the home's pinned roots and the charter's witness policy. */
const trustOf = (home: string, charter: Charter): RecordTrust => ({ roots: new KeyStore(home).trusted().map((k) => formatVerifierKey(k)), policy: charter.witnessPolicy });

const source = (t: Terminal): RecordSource => ({ archive: t.archive, directory: t.directory, logHashes: t.logHashes, charters: t.charters });

function rootOf(note: string): { size: number; root: Uint8Array } {
  const parsed = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
  assert.ok(parsed.ok, 'a held checkpoint parses');
  return { size: parsed.value.size, root: parsed.value.rootHash };
}

/** Every index the bundle cites, proven from the archive's leaf hashes under the final checkpoint: the proof is real. */
async function assertProvable(t: Terminal, g: GatheredRecord): Promise<void> {
  const final = rootOf(g.input.checkpoints[0]!);
  assert.equal(g.proven.size, final.size);
  const leaves = new Map<number, Uint8Array>();
  for (const d of g.input.directory) for (const e of d.entries) leaves.set(e.logIndex, e.record);
  for (const r of t.archive.channelRecords(channelTag(g.charter.channelId), g.from, g.to)) leaves.set(r.logIndex, r.record);
  assert.deepEqual([...g.proven.indexes], [...leaves.keys()].sort((a, b) => a - b), 'the proof covers every directory and channel record, once');
  for (const [index, record] of leaves) {
    const proof = await inclusionProof(index, final.size, t.logHashes);
    assert.ok(proof.ok, `a proof for ${index}`);
    assert.ok(verifyInclusion(leafHash(record), index, final.size, proof.value, final.root).ok, `log index ${index} is under the final checkpoint`);
  }
  const batched = [...leaves].sort((a, b) => a[0] - b[0]).map(([index, record]) => ({ index, hash: leafHash(record) }));
  assert.ok(verifyMultiInclusion(batched, final.size, g.input.inclusion, final.root).ok, 'the batched proof reaches the final root');
  assert.equal(verifyMultiInclusion(batched.slice(1), final.size, g.input.inclusion, final.root).ok, false, 'and only for exactly these leaves');
  for (const [i, proof] of g.input.consistency.entries()) {
    const earlier = rootOf(g.input.checkpoints[i + 1]!);
    assert.ok(earlier.size < final.size);
    assert.ok(verifyConsistency(earlier.size, final.size, proof, earlier.root, final.root).ok, 'the earlier checkpoint is consistent with the final one');
  }
}

test('the opener and a joiner gather a complete, provable record; withheld entries carry the commitment; bad requests are refused by code', async () => {
  const h = await hotline();
  const [wp, mp] = [h.open('wp'), h.open('mp')];
  try {
    const charter = h.charter();
    await openChannel(wp, charter);
    await eventually('joined', async () => ((await acceptInvitations(mp)).joined.length > 0 ? true : undefined));
    const sent = [];
    for (const [t, text] of [[wp, 'one'], [mp, 'two'], [wp, 'three']] as const) {
      const s = await sendMessage(t, charter, { precedence: Precedence.routine, language: 'en', text });
      assert.ok(s.receipt, s.error);
      sent.push(s);
    }
    const last = sent[2]!.receipt!.seq;
    await caughtUp(wp, charter, last);
    await caughtUp(mp, charter, last);

    for (const t of [wp, mp]) {
      const g = await gatherRecord(source(t), { channel: charter.name });
      assert.equal(g.from, 1);
      assert.equal(g.to, last);
      assert.deepEqual(g.input.channel.startChain, genesisChain(channelTag(charter.channelId)));
      assert.deepEqual(g.input.channel.entries[0]!.content, { handshake: true }, 'seq 1 is the opening commit');
      assert.equal(g.statements, 3);
      assert.equal(g.withheld, 0);
      assert.equal(g.input.channel.entries.length, last);
      for (const [i, e] of g.input.channel.entries.entries()) {
        const record = decodeRecord(t.archive.channelRecords(channelTag(charter.channelId), i + 1, i + 1)[0]!.record);
        assert.ok(record.ok);
        assert.ok(bytesEqual(record.value.itemHash, e.envelopeHash) && record.value.receivedAt === e.receivedAt, `seq ${i + 1}: the record's fields`);
        if ('statement' in e.content) {
          const opened = openStatement(e.content.statement);
          assert.ok(opened.ok && bytesEqual(statementCommitment(opened.value), record.value.aux), `seq ${i + 1}: the statement the log committed to`);
        }
      }
      assert.deepEqual(g.input.directory.map((d) => d.party), ['washington', 'moscow'], 'every charter party, in charter order');
      for (const d of g.input.directory) {
        d.entries.forEach((e, i) => {
          const record = decodeRecord(e.record);
          assert.ok(record.ok && record.value.seq === i + 1 && record.value.kind === RecordKind.certificate, `${d.party} directory seq ${i + 1}`);
          assert.ok(decodeDeviceCertificate(e.entry).ok);
        });
      }
      assert.ok(bytesEqual(g.input.charter, charter.bytes));
      await assertProvable(t, g);
    }

    // A part of the range, and one statement withheld: its place keeps the commitment.
    const id = toHex(sent[1]!.statementId);
    const part = await gatherRecord(source(mp), { channel: charter.name, range: { from: 2, to: last }, withhold: [id.slice(0, 10)] });
    assert.deepEqual(part.input.channel.startChain, mp.archive.chainAt(charter.channelId, 1));
    const at = sent[1]!.receipt!.seq - 2;
    const record = decodeRecord(mp.archive.channelRecords(channelTag(charter.channelId), at + 2, at + 2)[0]!.record);
    assert.ok(record.ok);
    assert.deepEqual(part.input.channel.entries[at]!.content, { withheld: record.value.aux });
    assert.equal(part.withheld, 1);
    assert.equal(part.statements, 2);
    await assertProvable(mp, part);
    const timed = await gatherRecord(source(mp), { channel: charter.name, range: { since: record.value.receivedAt, until: record.value.receivedAt } });
    assert.ok(timed.from <= at + 2 && timed.to >= at + 2, 'by receive time');

    const refused = async (request: Parameters<typeof gatherRecord>[1], code: string) => {
      await assert.rejects(gatherRecord(source(mp), request), (e: { code?: string }) => e.code === code, code);
    };
    await refused({ channel: charter.name, range: { from: 3, to: 2 } }, 'bad_range');
    await refused({ channel: charter.name, range: { from: 1, to: last + 5 } }, 'bad_range');
    await refused({ channel: charter.name, range: { since: 0, until: 1 } }, 'bad_range');
    await refused({ channel: charter.name, withhold: ['00000000'] }, 'not_found');
    await refused({ channel: charter.name, withhold: ['xyz'] }, 'bad_id');
    await refused({ channel: charter.name, range: { from: last, to: last }, withhold: [id] }, 'bad_range'); // a withheld id outside the range
    await refused({ channel: 'no such channel' }, 'channel_not_found');
  } finally {
    wp.close();
    mp.close();
    await h.close();
  }
});

test('a home older than record export says what is missing, and its next sync fills it; another party\'s revocation is fetched by hash, exported and verifies', async () => {
  const h = await hotline();
  let [wp, mp, mo] = [h.open('wp'), h.open('mp'), h.open('mo')];
  try {
    const charter = h.charter();
    await openChannel(wp, charter);
    for (const t of [mp, mo]) await eventually('joined', async () => ((await acceptInvitations(t)).joined.length > 0 ? true : undefined));
    const s = await sendMessage(wp, charter, { precedence: Precedence.routine, language: 'en', text: 'before' });
    assert.ok(s.receipt, s.error);
    await caughtUp(mp, charter, s.receipt.seq);

    // As a home made before this change: no leaf hashes, no directory streams.
    mp.close();
    const db = new Database(join(h.homes.mp, 'terminal.db'));
    db.exec('DROP TABLE log_leaf_tiles; DROP TABLE directory_records;');
    db.close();
    mp = h.open('mp');
    await assert.rejects(gatherRecord(source(mp), { channel: charter.name }), (e: { code?: string; message: string }) => e.code === 'record_incomplete' && /predates record export/.test(e.message));
    await mp.refresh();
    await assertProvable(mp, await gatherRecord(source(mp), { channel: charter.name }));

    // Moscow revokes its operator: Moscow's home holds the revocation it issued, Washington's does not.
    await revokeDevice(mp, new KeyStore(h.homes.mp).party(), mo.deviceKey, 'laptop lost');
    await eventually('both directories show the revocation', async () => {
      await mp.refresh();
      await wp.refresh();
      return mp.directory.entry(mo.deviceKey)?.revoked === true && wp.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
    });
    const withRevocation = await gatherRecord(source(mp), { channel: charter.name });
    const moscow = withRevocation.input.directory.find((d) => d.party === 'moscow')!;
    const revocation = decodeRevocation(moscow.entries[moscow.entries.length - 1]!.entry);
    assert.ok(revocation.ok && bytesEqual(revocation.value.deviceKey, mo.deviceKey), 'the revocation, whole, as the last entry of the stream');
    await assertProvable(mp, withRevocation);
    // Washington's home did not issue it: its scan met the record and fetched the bytes by hash
    // (GET /v1/revocations/<hash>). Before that, this export failed with record_incomplete.
    await syncChannel(wp, charter);
    const fromWashington = await gatherRecord(source(wp), { channel: charter.name });
    const moscowAtWashington = fromWashington.input.directory.find((d) => d.party === 'moscow')!;
    assert.deepEqual(moscowAtWashington.entries.map((e) => e.entry), moscow.entries.map((e) => e.entry), 'the same whole stream as the issuing home holds');
    await assertProvable(wp, fromWashington);
    const verdict = await verifyRecordBundle(encodeRecordBundle(fromWashington.input), trustOf(h.homes.wp, charter));
    assert.ok(verdict.ok, verdict.ok ? '' : JSON.stringify(verdict.failure));
  } finally {
    wp.close();
    mp.close();
    mo.close();
    await h.close();
  }
});

test('a relay serving other bytes for another party\'s revocation: forged_revocation, the bytes are not kept, and export says record_incomplete', async () => {
  const h = await hotline();
  const [wp, mp, mo] = [h.open('wp'), h.open('mp'), h.open('mo')];
  try {
    const charter = h.charter();
    await openChannel(wp, charter);
    for (const t of [mp, mo]) await eventually('joined', async () => ((await acceptInvitations(t)).joined.length > 0 ? true : undefined));
    const root = new KeyStore(h.homes.mp).party();
    await revokeDevice(mp, root, mo.deviceKey, 'laptop lost');
    await eventually('the revocation is logged', async () => {
      await mp.refresh();
      return mp.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
    });
    // Validly signed by Moscow's root, for the same device: but not the revocation the log recorded.
    const other = issueRevocation({ party: 'moscow', deviceKey: mo.deviceKey, time: Math.floor(Date.now() / 1000), reason: 'another' }, partyRootSigner(root));
    await h.restartRelay((db) => {
      assert.equal(db.prepare("UPDATE log SET body = ? WHERE substr(record, 2, 1) = X'03'").run(other.bytes).changes, 1);
    });
    const codes: string[] = [];
    await eventually('Washington sees the revocation', async () => {
      codes.push(...(await wp.refresh()).map((a) => a.code));
      return wp.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
    });
    assert.deepEqual(codes.filter((c) => c === 'forged_revocation'), ['forged_revocation'], 'raised once, when the scan met the record');
    assert.match(wp.archive.alerts().find((a) => a.code === 'forged_revocation')!.message, /revocation of device [0-9a-f]{16}… of moscow \(log index \d+\) that is not the revocation the relay serves for it/);
    await syncChannel(wp, charter);
    await assert.rejects(gatherRecord(source(wp), { channel: charter.name }), (e: { code?: string; message: string }) => e.code === 'record_incomplete' && /party moscow directory seq \d+ .*never held the certificate or revocation/.test(e.message));
    // The issuing home kept its own copy: its export is whole and verifies, whatever the relay serves.
    await syncChannel(mp, charter);
    const fromMoscow = await gatherRecord(source(mp), { channel: charter.name });
    const verdict = await verifyRecordBundle(encodeRecordBundle(fromMoscow.input), trustOf(h.homes.mp, charter));
    assert.ok(verdict.ok, verdict.ok ? '' : JSON.stringify(verdict.failure));
  } finally {
    wp.close();
    mp.close();
    mo.close();
    await h.close();
  }
});
