/**
 * The structural checks of an envelope, its log record and its statement, with real hashes and
 * signatures: every single-byte change of a record or an envelope is caught, each named lie
 * gets its code, and the channel verifier runs them in DESIGN.md §5's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@hotline/log';
import { channelTag, encodeEnvelope, encodeMessageBody, encodeRecord, envelopeHash, EnvelopeKind, genesisChain, nextChain, RecordKind, statementCommitment, StatementType, type LogRecord } from '@hotline/protocol';
import { ChannelVerifier, checkNextRecord, checkReceiveTimeBound, checkStatement, matchRecordToEnvelope, type ChannelPosition, type Verdict } from '../src/index.js';
import { charterFor, member, MemoryChannel } from './rules-fixture.js';

const wo = member('washington', 'Duty Officer', ['operator']);
const stranger = member('washington', 'Stranger', ['operator']);
const charter = charterFor('washington-moscow', ['washington', 'moscow']);
const channelId = charter.channelId;
const tag = channelTag(channelId);
const T0 = 1_700_000_000_000;

/** One statement in an envelope (the payload stands in for its MLS ciphertext) and the record the log would hold for it at seq 1. */
function first(text = 'Confirm receipt.') {
  const statement = new MemoryChannel(charter, [wo]).statement(wo, StatementType.message, encodeMessageBody({ precedence: 4, language: 'en', text }));
  const commitment = statementCommitment(statement);
  const envelope = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment, payload: new Uint8Array(64).fill(0xab) });
  const genesis = genesisChain(tag);
  const itemHash = envelopeHash(envelope);
  const record: LogRecord = { kind: RecordKind.envelope, streamTag: tag, seq: 1, itemHash, aux: commitment, chainHash: nextChain(genesis, itemHash), receivedAt: T0 };
  const position: ChannelPosition = { nextSeq: 1, chain: genesis, receivedAt: T0 };
  return { statement, commitment, envelope, record, recordBytes: encodeRecord(record), position };
}

/** All structural checks that need no MLS and no proof, with the receive time pinned on both sides. */
function structural(recordBytes: Uint8Array, envelope: Uint8Array, position: ChannelPosition): string {
  const m = matchRecordToEnvelope(recordBytes, envelope, channelId, tag);
  if (!m.ok) return m.fault.code;
  return (checkNextRecord(position, m.value.record) ?? checkReceiveTimeBound(m.value.record, T0))?.code ?? 'ok';
}

test('an honest record and envelope pass', () => {
  const f = first();
  assert.equal(structural(f.recordBytes, f.envelope, f.position), 'ok');
});

test('every single-byte change of the record or the envelope is caught', () => {
  const f = first();
  for (const [name, bytes] of [['record', f.recordBytes], ['envelope', f.envelope]] as const) {
    for (let i = 0; i < bytes.length; i++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 0x01;
      const code = name === 'record' ? structural(flipped, f.envelope, f.position) : structural(f.recordBytes, flipped, f.position);
      assert.notEqual(code, 'ok', `${name} byte ${i}`);
    }
  }
  assert.equal(structural(f.recordBytes.subarray(0, 145), f.envelope, f.position), 'malformed_delivery', 'a truncated record');
  assert.equal(structural(f.recordBytes, f.envelope.subarray(0, 40), f.position), 'malformed_delivery', 'a truncated envelope');
});

test('each lie its code: another stream, another envelope, another commitment, replay, gap, rewritten chain, time going back or past the cosignature', () => {
  const f = first();
  const other = first('Another text.');
  const rec = (changes: Partial<LogRecord>) => encodeRecord({ ...f.record, ...changes });
  assert.equal(structural(rec({ streamTag: channelTag(new Uint8Array(16).fill(9)) }), f.envelope, f.position), 'record_mismatch');
  assert.equal(structural(rec({ kind: RecordKind.certificate }), f.envelope, f.position), 'record_mismatch');
  assert.equal(structural(f.recordBytes, other.envelope, f.position), 'envelope_mismatch');
  const recommitted = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: other.commitment, payload: new Uint8Array(64).fill(0xab) });
  assert.equal(structural(rec({ itemHash: envelopeHash(recommitted) }), recommitted, f.position), 'commitment_mismatch');
  assert.equal(structural(f.recordBytes, f.envelope, { ...f.position, nextSeq: 2 }), 'replayed');
  assert.equal(structural(rec({ seq: 3 }), f.envelope, f.position), 'gap');
  assert.equal(structural(rec({ chainHash: new Uint8Array(32) }), f.envelope, f.position), 'chain_mismatch');
  assert.equal(checkNextRecord({ ...f.position, receivedAt: T0 + 1 }, f.record)?.code, 'bad_receive_time', 'dated before the record it follows');
  assert.equal(checkReceiveTimeBound(f.record, T0 - 1)?.code, 'bad_receive_time', 'dated after the witnesses cosigned it');
  assert.equal(checkReceiveTimeBound(f.record, undefined), undefined, 'no witness, no bound');
});

test('the statement: signed by its author, of this channel, by a member device, matching its commitment', () => {
  const f = first();
  const member = (key: Uint8Array) => toHex(key) === toHex(wo.signer.publicKey);
  const ok = checkStatement(f.statement.bytes, 1, channelId, f.commitment, member);
  assert.ok(ok.ok && ok.value.author.length === 32);
  const tampered = f.statement.bytes.slice();
  tampered[tampered.length - 70]! ^= 1; // inside the salt: the signature no longer matches
  const bad = checkStatement(tampered, 1, channelId, f.commitment, member);
  assert.ok(!bad.ok && bad.fault.code === 'bad_statement');
  const code = (r: ReturnType<typeof checkStatement>) => (r.ok ? 'ok' : r.fault.code);
  assert.equal(code(checkStatement(f.statement.bytes.subarray(0, 100), 1, channelId, f.commitment, member)), 'bad_statement', 'truncated');
  assert.equal(code(checkStatement(f.statement.bytes, 1, new Uint8Array(16).fill(7), f.commitment, member)), 'wrong_channel');
  assert.equal(code(checkStatement(f.statement.bytes, 1, channelId, f.commitment, (k) => toHex(k) === toHex(stranger.signer.publicKey))), 'unknown_author');
  assert.equal(code(checkStatement(f.statement.bytes, 1, channelId, new Uint8Array(32), member)), 'commitment_mismatch');
});

test('the channel verifier: pending until included, then MLS (injected), then the statement; the position advances past a bad statement', async () => {
  const f = first();
  let included = false;
  let plaintext: Uint8Array = f.statement.bytes;
  const verifier = new ChannelVerifier(channelId, {
    decrypt: async () => plaintext,
    isMemberDevice: (key) => toHex(key) === toHex(wo.signer.publicKey),
    inclusion: async () => (included ? { state: 'included' } : { state: 'pending' }),
    latestReceiveTime: () => T0 + 1000,
  }, f.position);
  const delivery = { logIndex: 5, record: f.recordBytes, envelope: f.envelope };
  const kind = (v: Verdict) => (v.kind === 'alert' ? v.alert.code : v.kind);
  assert.equal(kind(await verifier.accept(delivery)), 'pending');
  assert.equal(verifier.position.nextSeq, 1, 'pending does not advance');
  included = true;
  plaintext = new Uint8Array(10);
  const verdict = await verifier.accept(delivery);
  assert.equal(kind(verdict), 'bad_statement');
  assert.ok(verdict.kind === 'alert' && verdict.alert.seq === 1 && verdict.alert.logIndex === 5);
  assert.equal(verifier.position.nextSeq, 2, 'the stream is sound: a bad statement is an alert about the envelope');
  assert.equal(kind(await verifier.accept(delivery)), 'replayed');
});
