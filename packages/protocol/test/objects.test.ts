/** Envelopes, log records, streams, revocations, membership and login: round trips and hostile bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesEqual } from '@hotline/log';
import {
  channelTag,
  decodeEnvelope,
  decodeRecord,
  decodeRevocation,
  encodeEnvelope,
  encodeRecord,
  envelopeHash,
  EnvelopeKind,
  genesisChain,
  issueRevocation,
  nextChain,
  openMembership,
  partyTag,
  RECORD_SIZE,
  RecordKind,
  signLogin,
  signMembership,
  verifyLogin,
  verifyRevocation,
  MAX_PAYLOAD_BYTES,
} from '../src/index.js';
import { code, device, flip, moscowRoot, roots, washingtonRoot } from './fixtures.js';

const channelId = new Uint8Array(16).fill(0xab);

test('envelopes round-trip and reject malformed bytes', () => {
  const envelope = { kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(32).fill(3), payload: new Uint8Array(1024).fill(7) };
  const bytes = encodeEnvelope(envelope);
  const decoded = decodeEnvelope(bytes);
  assert.ok(decoded.ok);
  assert.ok(bytesEqual(decoded.value.payload, envelope.payload));
  assert.notDeepEqual(envelopeHash(bytes), envelopeHash(flip(bytes, 100)));
  assert.equal(code(decodeEnvelope(bytes.subarray(0, bytes.length - 1))), 'malformed_envelope');
  assert.equal(code(decodeEnvelope(new Uint8Array([...bytes, 1]))), 'malformed_envelope');
  const badKind = bytes.slice();
  badKind[1] = 9;
  assert.equal(code(decodeEnvelope(badKind)), 'malformed_envelope');
  const badVersion = bytes.slice();
  badVersion[0] = 0;
  assert.equal(code(decodeEnvelope(badVersion)), 'unsupported_version');
  const empty = encodeEnvelope({ ...envelope, payload: new Uint8Array(1) }).slice(0, -1);
  empty[1 + 1 + 16 + 32 + 3] = 0; // length 0
  assert.equal(code(decodeEnvelope(empty)), 'malformed_envelope');
  assert.equal(code(decodeEnvelope(new Uint8Array(MAX_PAYLOAD_BYTES + 100))), 'too_large');
  // A length prefix promising more than the limit is refused before any allocation.
  const huge = bytes.slice(0, 1 + 1 + 16 + 32 + 4);
  new DataView(huge.buffer).setUint32(50, 0xffffffff);
  assert.equal(code(decodeEnvelope(huge)), 'malformed_envelope');
  assert.throws(() => encodeEnvelope({ ...envelope, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) }), RangeError);
});

test('log records are exactly 146 bytes and reject anything else', () => {
  const record = {
    kind: RecordKind.envelope,
    streamTag: channelTag(channelId),
    seq: 1,
    itemHash: new Uint8Array(32).fill(1),
    aux: new Uint8Array(32).fill(2),
    chainHash: nextChain(genesisChain(channelTag(channelId)), new Uint8Array(32).fill(1)),
    receivedAt: 1_763_000_000_000,
  };
  const bytes = encodeRecord(record);
  assert.equal(bytes.length, RECORD_SIZE);
  const decoded = decodeRecord(bytes);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.seq, 1);
  assert.equal(code(decodeRecord(bytes.subarray(1))), 'malformed_record');
  const zeroSeq = encodeRecord({ ...record, seq: 1 });
  zeroSeq[2 + 32 + 7] = 0;
  assert.equal(code(decodeRecord(zeroSeq)), 'malformed_record');
  const badKind = bytes.slice();
  badKind[1] = 7;
  assert.equal(code(decodeRecord(badKind)), 'malformed_record');
});

test('stream tags and chains are domain-separated and order-sensitive', () => {
  assert.notDeepEqual(channelTag(channelId), partyTag('washington'));
  assert.notDeepEqual(partyTag('washington'), partyTag('moscow'));
  const g = genesisChain(channelTag(channelId));
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  assert.notDeepEqual(nextChain(nextChain(g, a), b), nextChain(nextChain(g, b), a));
  assert.notDeepEqual(genesisChain(channelTag(channelId)), genesisChain(channelTag(flip(channelId, 0))));
});

test('revocations verify only under their own party root', () => {
  const revocation = issueRevocation({ party: 'moscow', deviceKey: device(20).publicKey, time: 1_750_000_000, reason: 'lost device' }, moscowRoot);
  const decoded = decodeRevocation(revocation.bytes);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.reason, 'lost device');
  assert.equal(code(verifyRevocation(decoded.value, roots)), 'ok');
  const tampered = decodeRevocation(flip(revocation.bytes, 12));
  assert.ok(tampered.ok);
  assert.equal(code(verifyRevocation(tampered.value, roots)), 'bad_signature');
  assert.equal(code(verifyRevocation({ ...decoded.value, party: 'nowhere' }, roots)), 'unknown_party');
  assert.throws(() => issueRevocation({ party: 'moscow', deviceKey: device(20).publicKey, time: 1, reason: '' }, washingtonRoot), TypeError);
  assert.equal(code(decodeRevocation(revocation.bytes.subarray(0, 50))), 'malformed_revocation');
});

test('membership documents are canonical and signed by their creator', () => {
  const creator = device(30);
  const membership = signMembership({ channelId, version: 1, members: [device(32).publicKey, device(31).publicKey, device(32).publicKey] }, creator);
  assert.equal(membership.members.length, 3, 'deduplicated, creator included');
  const opened = openMembership(membership.bytes);
  assert.ok(opened.ok);
  assert.equal(opened.value.version, 1);
  assert.equal(code(openMembership(flip(membership.bytes, 20))), 'bad_signature');
  assert.equal(code(openMembership(membership.bytes.subarray(0, membership.bytes.length - 1))), 'malformed_membership');
  // Swap two member keys: no longer ascending.
  const swapped = membership.bytes.slice();
  const first = 1 + 16 + 8 + 32 + 2;
  const a = swapped.slice(first, first + 32);
  swapped.set(swapped.slice(first + 32, first + 64), first);
  swapped.set(a, first + 32);
  assert.equal(code(openMembership(swapped)), 'malformed_membership');
});

test('login signatures bind the relay origin, the challenge and the device', () => {
  const d = device(40);
  const challenge = new Uint8Array(32).fill(9);
  const signature = signLogin('relay.example', challenge, d);
  assert.ok(verifyLogin('relay.example', challenge, d.publicKey, signature));
  assert.equal(verifyLogin('evil.example', challenge, d.publicKey, signature), false);
  assert.equal(verifyLogin('relay.example', flip(challenge, 0), d.publicKey, signature), false);
  assert.equal(verifyLogin('relay.example', challenge, device(41).publicKey, signature), false);
  assert.equal(verifyLogin('relay.example', challenge.subarray(1), d.publicKey, signature), false);
});
