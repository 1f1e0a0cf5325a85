/**
 * The terminal's envelope verification: every alert DESIGN.md §5 calls for, each triggered by
 * the specific lie or fault it names, with real MLS, real signatures and real inclusion proofs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeMessageBody, encodeEnvelope, EnvelopeKind, signerFor, statementId } from '@hotline/protocol';
import type { Verdict } from '../src/index.js';
import { setup } from './channel-fixture.js';

function codeOf(v: Verdict): string {
  return v.kind === 'alert' ? v.alert.code : v.kind;
}

test('an honest envelope is accepted once a checkpoint covers it; pending before', async () => {
  const { channelId, log, verifier, say } = await setup();
  const { envelope, commitment } = await say('Confirm receipt.');
  const delivery = log.append(channelId, envelope, commitment);
  assert.equal(codeOf(await verifier.accept(delivery)), 'pending', 'no checkpoint covers it yet');
  assert.ok((await log.monitor.update()).ok);
  const verdict = await verifier.accept(delivery);
  assert.equal(codeOf(verdict), 'accepted');
  assert.ok(verdict.kind === 'accepted');
  const body = decodeMessageBody(verdict.statement.body);
  assert.ok(body.ok && body.value.text === 'Confirm receipt.');
  assert.equal(verifier.position.nextSeq, 2);
});

test('replayed, gap and chain_mismatch: the relay re-sends, withholds, or rewrites history', async () => {
  const { channelId, log, verifier, say } = await setup();
  const first = await say('one');
  const d1 = log.append(channelId, first.envelope, first.commitment);
  const second = await say('two');
  const d2 = log.append(channelId, second.envelope, second.commitment);
  const third = await say('three');
  const d3 = log.append(channelId, third.envelope, third.commitment, { chain: true });
  await log.monitor.update();
  assert.equal(codeOf(await verifier.accept(d2)), 'gap', 'seq 2 before seq 1: seq 1 withheld');
  assert.equal(codeOf(await verifier.accept(d1)), 'accepted');
  assert.equal(codeOf(await verifier.accept(d1)), 'replayed');
  assert.equal(codeOf(await verifier.accept(d2)), 'accepted');
  assert.equal(codeOf(await verifier.accept(d3)), 'chain_mismatch');
});

test('envelope_mismatch, commitment_mismatch, record_mismatch, malformed_delivery: the delivery does not match the log', async () => {
  const { channelId, log, verifier, say } = await setup();
  const a = await say('a');
  const b = await say('b');
  const d = log.append(channelId, a.envelope, a.commitment);
  await log.monitor.update();
  assert.equal(codeOf(await verifier.accept({ ...d, envelope: b.envelope })), 'envelope_mismatch');
  const wrongAux = log.append(channelId, a.envelope, new Uint8Array(32).fill(9));
  assert.equal(codeOf(await verifier.accept(wrongAux)), 'commitment_mismatch');
  const otherStream = log.append(channelId, a.envelope, a.commitment, { tag: new Uint8Array(32).fill(1) });
  assert.equal(codeOf(await verifier.accept(otherStream)), 'record_mismatch');
  assert.equal(codeOf(await verifier.accept({ ...d, record: d.record.subarray(1) })), 'malformed_delivery');
  assert.equal(codeOf(await verifier.accept({ ...d, envelope: d.envelope.subarray(0, 10) })), 'malformed_delivery');
});

test('not_included: a record the checkpointed log does not contain at that index', async () => {
  const { channelId, log, verifier, say } = await setup();
  const a = await say('a');
  const d = log.append(channelId, a.envelope, a.commitment);
  log.appendNoise();
  await log.monitor.update();
  assert.equal(codeOf(await verifier.accept({ ...d, logIndex: d.logIndex + 1 })), 'not_included');
});

test('decryption_failed, bad_statement, wrong_channel, unknown_author, commitment_mismatch: a bad message from inside', async () => {
  const { channelId, log, verifier, say } = await setup();
  const check = async (envelope: Uint8Array, commitment: Uint8Array) => {
    const d = log.append(channelId, envelope, commitment);
    await log.monitor.update();
    return codeOf(await verifier.accept(d));
  };
  const garbage = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(32), payload: new Uint8Array(randomBytes(200)) });
  assert.equal(await check(garbage, new Uint8Array(32)), 'decryption_failed');
  const notAStatement = await say('x', { plaintext: new TextEncoder().encode('plain words, unsigned') });
  assert.equal(await check(notAStatement.envelope, notAStatement.commitment), 'bad_statement');
  const elsewhere = await say('x', { channel: new Uint8Array(16).fill(7) });
  assert.equal(await check(elsewhere.envelope, elsewhere.commitment), 'wrong_channel');
  const mallory = signerFor(randomBytes(32));
  const forged = await say('I am a principal', { author: mallory });
  assert.equal(await check(forged.envelope, forged.commitment), 'unknown_author');
  const misbound = await say('x', { commitment: new Uint8Array(32).fill(5) });
  assert.equal(await check(misbound.envelope, misbound.commitment), 'commitment_mismatch');
  assert.equal(verifier.position.nextSeq, 6, 'each of them still advanced the stream: the alerts are about content');
});

test('duplicate: a statement already accepted, replayed inside a new MLS message by a member', async () => {
  const { channelId, log, verifier, say, seen } = await setup();
  const first = await say('Authorised: proceed.');
  const d1 = log.append(channelId, first.envelope, first.commitment);
  await log.monitor.update();
  const accepted = await verifier.accept(d1);
  assert.ok(accepted.kind === 'accepted');
  seen.add(Buffer.from(statementId(accepted.statement)).toString('hex'));
  const replay = await say('ignored', { plaintext: accepted.statement.bytes, commitment: first.commitment });
  const d2 = log.append(channelId, replay.envelope, replay.commitment);
  await log.monitor.update();
  assert.equal(codeOf(await verifier.accept(d2)), 'duplicate');
  assert.equal(verifier.position.nextSeq, 3, 'the stream is sound; the content is the alert');
});

test('bad_receive_time: a record dated after the witnesses cosigned the log that holds it', async () => {
  const { channelId, log, verifier, say } = await setup(undefined, { latestReceiveTime: () => Date.now() - 3_600_000 });
  const { envelope, commitment } = await say('dated in the future, as far as the witnesses know');
  const delivery = log.append(channelId, envelope, commitment);
  await log.monitor.update();
  assert.equal(codeOf(await verifier.accept(delivery)), 'bad_receive_time');
  assert.equal(verifier.position.nextSeq, 1, 'a stream alert: the position stays');
});
