/** The archive: verified statements and positions stored together, alerts kept, restarts resume. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeEnvelope, EnvelopeKind, openStatement, Precedence, statementId } from '@hotline/protocol';
import { Archive, ArchiveError, ingest } from '../src/index.js';
import { setup } from './channel-fixture.js';

test('ingest archives accepted statements with their position; a restart resumes exactly there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-archive-'));
  try {
    const { channelId, log, verifier, say } = await setup();
    let archive = new Archive(join(dir, 'archive.db'));
    const deliveries = [];
    for (const text of ['one', 'two', 'three']) {
      const { envelope, commitment } = await say(text);
      deliveries.push(log.append(channelId, envelope, commitment));
    }
    assert.equal((await ingest(channelId, deliveries[0]!, verifier, archive)).kind, 'pending', 'nothing archived before a checkpoint covers it');
    assert.equal(archive.position(channelId), undefined);
    await log.monitor.update();
    archive.recordCheckpoint(log.monitor.held!.size, log.monitor.held!.note);
    for (const d of deliveries.slice(0, 2)) assert.equal((await ingest(channelId, d, verifier, archive)).kind, 'accepted');
    archive.close();

    // The archive reopens at the archived position, the one a restarted verifier starts from
    // (MLS group state is not persisted yet, so the same verifier object continues here).
    archive = new Archive(join(dir, 'archive.db'));
    const position = archive.position(channelId);
    assert.equal(position?.nextSeq, 3);
    const stored = archive.statements(channelId);
    assert.deepEqual(stored.map((s) => s.seq), [1, 2]);
    const first = openStatement(stored[0]!.statement);
    assert.ok(first.ok && archive.has(first.value));
    assert.equal(verifier.position.nextSeq, 3);
    assert.equal((await ingest(channelId, deliveries[1]!, verifier, archive)).kind, 'alert', 'a replay after restart');
    assert.equal(archive.alerts()[0]?.code, 'replayed');
    assert.equal((await ingest(channelId, deliveries[2]!, verifier, archive)).kind, 'accepted');
    assert.equal(archive.position(channelId)?.nextSeq, 4);
    archive.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad envelope from inside moves the position with its alert; a stream alert keeps it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-archive-'));
  try {
    const { channelId, log, verifier, say } = await setup();
    const archive = new Archive(join(dir, 'archive.db'));
    const garbage = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(32), payload: new Uint8Array(randomBytes(100)) });
    const bad = log.append(channelId, garbage, new Uint8Array(32));
    const good = await say('after the garbage');
    const next = log.append(channelId, good.envelope, good.commitment);
    const skipped = await say('withheld');
    log.append(channelId, skipped.envelope, skipped.commitment);
    const later = await say('later');
    const afterGap = log.append(channelId, later.envelope, later.commitment);
    await log.monitor.update();
    assert.equal((await ingest(channelId, bad, verifier, archive)).kind, 'alert');
    assert.equal(archive.position(channelId)?.nextSeq, 2, 'the stream moved past the undecryptable envelope');
    assert.equal((await ingest(channelId, next, verifier, archive)).kind, 'accepted');
    assert.equal((await ingest(channelId, afterGap, verifier, archive)).kind, 'alert');
    assert.equal(archive.position(channelId)?.nextSeq, 3, 'a gap does not move the position');
    assert.deepEqual(archive.alerts().map((a) => a.code), ['gap', 'decryption_failed']);
    archive.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the archive refuses out-of-order statements and two checkpoints of one size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-archive-'));
  try {
    const { channelId, log, verifier, say } = await setup();
    const archive = new Archive(join(dir, 'archive.db'));
    const a = await say('a');
    const d = log.append(channelId, a.envelope, a.commitment);
    await log.monitor.update();
    const verdict = await verifier.accept(d);
    assert.ok(verdict.kind === 'accepted');
    assert.throws(() => archive.accept(channelId, { statement: verdict.statement, seq: 5, logIndex: d.logIndex, record: d.record }, { nextSeq: 6, chain: new Uint8Array(32) }), ArchiveError);
    assert.equal(archive.position(channelId), undefined, 'nothing stored');
    archive.recordCheckpoint(1, 'log\n1\nAAAA\n\n— sig\n');
    archive.recordCheckpoint(1, 'log\n1\nAAAA\n\n— sig\n— witness cosig\n');
    assert.throws(() => archive.recordCheckpoint(1, 'log\n1\nBBBB\n\n— sig\n'), /forked/);
    archive.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recentMessages: the last N valid messages, summarised, including what another connection archived since', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-archive-'));
  try {
    const { channelId, log, verifier, say } = await setup();
    const writer = new Archive(join(dir, 'archive.db'));
    const reader = new Archive(join(dir, 'archive.db')); // another process on the same home
    const post = async (texts: string[]) => {
      const deliveries = [];
      for (const text of texts) {
        const { envelope, commitment } = await say(text);
        deliveries.push(log.append(channelId, envelope, commitment));
      }
      await log.monitor.update();
      writer.recordCheckpoint(log.monitor.held!.size, log.monitor.held!.note);
      for (const d of deliveries) assert.equal((await ingest(channelId, d, verifier, writer)).kind, 'accepted');
    };
    assert.deepEqual(reader.recentMessages(channelId, 2), []);
    await post(['one', 'two', 'three']);
    assert.deepEqual(reader.recentMessages(channelId, 2).map((m) => m.seq), [2, 3]);
    await post(['four', 'five']);
    const last = reader.recentMessages(channelId, 2);
    assert.deepEqual(last.map((m) => m.seq), [4, 5], 'extended by what the other connection archived, and trimmed to the window');
    assert.deepEqual(reader.recentMessages(channelId, 10).map((m) => m.seq), [1, 2, 3, 4, 5], 'a different window is read again');
    const five = writer.at(channelId, 5)!;
    assert.deepEqual(last[1], { seq: 5, receivedAt: five.receivedAt, author: Buffer.from(five.statement.author).toString('hex'), id: Buffer.from(statementId(five.statement)).toString('hex'), precedence: Precedence.flash });
    writer.close();
    reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
