/** Charters: a channel exists only when every party's pinned root has signed every byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, signerKeyFromSeed, KeyType, verifierKeyOf } from '@hotline/log';
import { charterId, decodeCharter, decodeInvitation, draftCharter, encodeInvitation, partyRootSigner, signCharter, verifyCharter, type Charter, type CharterDraft } from '../src/index.js';
import { code, flip, moscowRoot, roots, washingtonRoot } from './fixtures.js';

const body: CharterDraft = {
  channelId: new Uint8Array(16).fill(7),
  name: 'Washington–Moscow direct line',
  created: 1_767_225_600_000,
  parties: [
    { name: 'washington', rootKey: washingtonRoot.publicKey },
    { name: 'moscow', rootKey: moscowRoot.publicKey },
  ],
  memberRoles: ['principal', 'operator'],
  ackDeadlines: [300, 1800, 3600, 86400],
  heartbeatSeconds: 3600,
  keyUpdateSeconds: 86400,
  approvals: [{ party: 0, precedence: 1, required: 2, roles: ['principal'] }],
  witnessPolicy: `log ${formatVerifierKey(verifierKeyOf(signerKeyFromSeed('relay.example/log', KeyType.ed25519, new Uint8Array(32).fill(3))))}\nquorum none\n`,
};

function signedByBoth(): Charter {
  const one = signCharter(draftCharter(body), washingtonRoot);
  assert.ok(one.ok);
  const both = signCharter(one.value, moscowRoot);
  assert.ok(both.ok);
  return both.value;
}

test('a charter signed by both parties decodes, verifies, and keeps every field', () => {
  const charter = signedByBoth();
  const decoded = decodeCharter(charter.bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  assert.equal(code(verifyCharter(decoded.value, roots)), 'ok');
  assert.equal(decoded.value.name, body.name);
  assert.deepEqual(decoded.value.ackDeadlines, body.ackDeadlines);
  assert.deepEqual(decoded.value.approvals, body.approvals);
  assert.deepEqual([decoded.value.ackRoles, decoded.value.lateSeconds, decoded.value.silentSeconds], [['principal'], 5400, 10800], 'defaults: principals acknowledge; late 1.5x, silent 3x the heartbeat');
  assert.equal(decoded.value.witnessPolicy, body.witnessPolicy);
  assert.deepEqual(charterId(decoded.value), charterId(charter));
  assert.deepEqual(decoded.value.signatures.map((s) => s.party), [0, 1]);
});

test('signing order does not matter: the encoding is canonical', () => {
  const a = signedByBoth();
  const m = signCharter(draftCharter(body), moscowRoot);
  assert.ok(m.ok);
  const b = signCharter(m.value, washingtonRoot);
  assert.ok(b.ok);
  assert.deepEqual(b.value.bytes, a.bytes);
});

test('a charter one party has not signed is not in force', () => {
  const one = signCharter(draftCharter(body), washingtonRoot);
  assert.ok(one.ok);
  const decoded = decodeCharter(one.value.bytes);
  assert.ok(decoded.ok);
  assert.equal(code(verifyCharter(decoded.value, roots)), 'unsigned_charter');
});

test('every byte of the signed part is covered: any flipped bit fails', () => {
  const charter = signedByBoth();
  for (let i = 0; i < charter.body.length; i++) {
    const result = decodeCharter(flip(charter.bytes, i));
    assert.notEqual(code(result), 'ok', `byte ${i}`);
  }
  for (let i = charter.body.length + 1; i < charter.bytes.length; i++) {
    if ((i - charter.body.length - 1) % 65 === 0) continue; // a party index byte: changes which party is claimed
    assert.equal(code(decodeCharter(flip(charter.bytes, i))), 'bad_signature', `signature byte ${i}`);
  }
});

test('truncated or extended charters are malformed', () => {
  const charter = signedByBoth();
  for (const cut of [0, 1, 17, charter.body.length, charter.bytes.length - 1]) assert.equal(code(decodeCharter(charter.bytes.subarray(0, cut))), 'malformed_charter', `cut at ${cut}`);
  assert.equal(code(decodeCharter(new Uint8Array([...charter.bytes, 0]))), 'malformed_charter');
  const other = charter.bytes.slice();
  other[0] = 3;
  assert.equal(code(decodeCharter(other)), 'unsupported_version');
  other[0] = 2; // format 2 reads forward targets where this charter's signatures begin
  assert.notEqual(code(decodeCharter(other)), 'ok');
});

test('a charter naming an unpinned root, or another key for a pinned party, is refused', () => {
  const impostor = partyRootSigner(signerKeyFromSeed('moscow', KeyType.ed25519, new Uint8Array(32).fill(9)));
  const forged = draftCharter({ ...body, parties: [body.parties[0]!, { name: 'moscow', rootKey: impostor.publicKey }] });
  const byWashington = signCharter(forged, washingtonRoot);
  assert.ok(byWashington.ok);
  const signed = signCharter(byWashington.value, impostor);
  assert.ok(signed.ok);
  assert.equal(code(verifyCharter(signed.value, roots)), 'bad_signature');
  assert.equal(code(verifyCharter(signedByBoth(), new Map([['washington', roots.get('washington')!]]))), 'unknown_party');
  assert.equal(code(signCharter(draftCharter(body), impostor)), 'bad_signature');
  const stranger = partyRootSigner(signerKeyFromSeed('beijing', KeyType.ed25519, new Uint8Array(32).fill(4)));
  assert.equal(code(signCharter(draftCharter(body), stranger)), 'unknown_party');
});

test('charters with broken rules cannot be drafted', () => {
  assert.throws(() => draftCharter({ ...body, parties: [] }), /1–8 parties/);
  assert.throws(() => draftCharter({ ...body, lateSeconds: 3600 }), /late threshold/);
  assert.throws(() => draftCharter({ ...body, silentSeconds: 4000, lateSeconds: 5000 }), /silent threshold/);
  assert.throws(() => draftCharter({ ...body, ackRoles: [] }), /acknowledge/);
  assert.throws(() => draftCharter({ ...body, parties: [body.parties[0]!, body.parties[0]!] }), /named twice/);
  assert.throws(() => draftCharter({ ...body, approvals: [{ party: 5, precedence: 1, required: 1, roles: ['principal'] }] }), /party 5/);
  assert.throws(() => draftCharter({ ...body, heartbeatSeconds: 0 }), /heartbeat/);
  assert.throws(() => draftCharter({ ...body, name: ' padded ' }), /channel name/);
  assert.throws(() => draftCharter({ ...body, witnessPolicy: 'quorum nobody-defined\n' }), /witness policy/);
});

test('invitations round-trip and reject truncation', () => {
  const invitation = { charter: signedByBoth().bytes, keyPackageHash: new Uint8Array(32).fill(5), commitSeq: 3, commitEnvelope: new Uint8Array(80).fill(6), welcome: new Uint8Array(500).fill(8) };
  const bytes = encodeInvitation(invitation);
  const decoded = decodeInvitation(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, invitation);
  assert.equal(code(decodeInvitation(bytes.subarray(0, bytes.length - 1))), 'malformed_invitation');
  assert.equal(code(decodeInvitation(encodeInvitation({ ...invitation, commitSeq: 0 }))), 'malformed_invitation');
});

test('forward targets: none is format 1 (the bytes charters always had); some is format 2, sorted, read back', () => {
  assert.equal(draftCharter(body).bytes[0], 1);
  const a = new Uint8Array(16).fill(9);
  const b = new Uint8Array(16).fill(8);
  const draft = draftCharter({ ...body, forwardTo: [a, b] });
  assert.equal(draft.bytes[0], 2);
  const half = signCharter(draft, washingtonRoot);
  assert.ok(half.ok);
  const signed = signCharter(half.value, moscowRoot);
  assert.ok(signed.ok);
  const decoded = decodeCharter(signed.value.bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  assert.deepEqual(decoded.value.forwardTo, [b, a], 'ascending byte order');
  assert.equal(code(verifyCharter(decoded.value, roots)), 'ok');
  const one = decodeCharter(signedByBoth().bytes);
  assert.ok(one.ok);
  assert.deepEqual(one.value.forwardTo, [], 'format 1 reads as no forwarding');
});

test('forward targets: a charter naming its own channel, a duplicate, or more than 16 is refused; format 2 with none, unsorted or truncated is malformed', () => {
  assert.throws(() => draftCharter({ ...body, forwardTo: [body.channelId] }), /not its own forward target/);
  assert.throws(() => draftCharter({ ...body, forwardTo: [new Uint8Array(16), new Uint8Array(16)] }), /strictly ascending/);
  assert.throws(() => draftCharter({ ...body, forwardTo: Array.from({ length: 17 }, (_, i) => new Uint8Array(16).fill(i + 10)) }), /at most 16/);
  const two = draftCharter({ ...body, forwardTo: [new Uint8Array(16).fill(8), new Uint8Array(16).fill(9)] });
  const bodyEnd = two.body.length; // unsigned: signature count 0 follows the body
  const countAt = bodyEnd - 33;
  const none = Uint8Array.of(...two.body.subarray(0, countAt), 0, 0);
  assert.equal(code(decodeCharter(none)), 'malformed_charter');
  const swapped = Uint8Array.of(...two.body.subarray(0, countAt + 1), ...two.body.subarray(countAt + 17, bodyEnd), ...two.body.subarray(countAt + 1, countAt + 17), 0);
  assert.equal(code(decodeCharter(swapped)), 'malformed_charter');
  assert.equal(code(decodeCharter(Uint8Array.of(...two.body.subarray(0, bodyEnd - 1), 0))), 'malformed_charter');
  const three = Uint8Array.of(3, ...two.bytes.subarray(1));
  assert.equal(code(decodeCharter(three)), 'unsupported_version');
});
