/**
 * verifyRecordBundle on real bundles (record-fixture.ts): a good one verifies and says what it
 * rests on; a wrong or missing root, a missing witness, a withheld statement, a bad statement the
 * log itself holds, and the rules seam each give the verdict the spec's order of checks says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { verifyRecordBundle, type RecordVerdict, type SignatureCheck } from '../src/index.js';
import { buildFixture, OTHER_ROOT, POLICY, TRUST, WITNESS_A } from './record-fixture.js';

function failure(verdict: RecordVerdict): string {
  return verdict.ok ? 'ok' : `${verdict.failure.step} | ${verdict.failure.item} | ${verdict.failure.code}`;
}

test('a real bundle verifies, with its trust basis, counts and transcript', async () => {
  const fixture = await buildFixture({ seqs: 7, handshakes: [3], withhold: [5], ackEvery: 4, fillers: 2, earlierCheckpoint: true });
  const verdict = await verifyRecordBundle(fixture.bytes, fixture.trust);
  assert.ok(verdict.ok, failure(verdict));
  const { summary, transcript } = verdict;
  assert.deepEqual(summary.roots.map((r) => r.party), ['washington', 'moscow']);
  assert.deepEqual(summary.roots.map((r) => r.vkey), TRUST.roots);
  assert.deepEqual([summary.witnesses, summary.quorum], [['A', 'B'], '2 of 2']);
  assert.deepEqual([summary.from, summary.to, summary.statements, summary.withheld, summary.handshakes], [1, 7, 5, 1, 1]);
  assert.equal(summary.rulesChecked, false, 'no rules ran, and the summary must not say they did');
  assert.equal(transcript.channel.name, 'Washington–Moscow direct line');
  assert.deepEqual(transcript.items.map((i) => i.kind), ['statement', 'statement', 'handshake', 'statement', 'withheld', 'statement', 'statement']);
  const first = transcript.items[0]!.statement!;
  assert.deepEqual([first.type, first.author.party, first.author.member, first.body], ['message', 'washington', 'president', { kind: 'message', precedence: 'ROUTINE', language: 'en', text: 'message 1', approvals: 0 }]);
  const ack = transcript.items[3]!.statement!;
  assert.deepEqual([ack.type, ack.author.party, ack.body.kind], ['ack', 'moscow', 'ack']);
  assert.equal(ack.body.kind === 'ack' && ack.body.message, transcript.items[1]!.statement!.id, 'the ack cites the message before it');
  assert.deepEqual(transcript.checkpoint.cosignatures.map((c) => c.witness), ['A', 'B']);
});

test('a wrong root, or none, fails at the trust basis naming the party', async () => {
  const { bytes } = await buildFixture({ seqs: 2 });
  const wrong = { ...TRUST, roots: [TRUST.roots[0]!, formatVerifierKey(verifierKeyOf(OTHER_ROOT))] };
  assert.equal(failure(await verifyRecordBundle(bytes, wrong)), 'trust | party moscow | root_mismatch');
  assert.equal(failure(await verifyRecordBundle(bytes, { ...TRUST, roots: [TRUST.roots[1]!] })), 'trust | party washington | root_not_supplied');
  assert.equal(failure(await verifyRecordBundle(bytes, { ...TRUST, roots: ['not a vkey'] })), 'trust | root 1 | malformed_root');
  const verdict = await verifyRecordBundle(bytes, wrong);
  assert.equal(verdict.ok ? '' : verdict.failure.message, 'party moscow: the charter names another root key than the one supplied');
});

test('another witness policy than the charter\'s fails at the trust basis', async () => {
  const { bytes } = await buildFixture({ seqs: 2 });
  const oneOfTwo = POLICY.replace('group both 2 A B', 'group both 1 A B');
  assert.equal(failure(await verifyRecordBundle(bytes, { ...TRUST, policy: oneOfTwo })), 'trust | charter | policy_mismatch');
  assert.equal(failure(await verifyRecordBundle(bytes, { ...TRUST, policy: 'quorum\n' })), 'trust | policy | malformed_policy');
});

test('a missing witness cosignature fails the quorum at checkpoints', async () => {
  const { bytes } = await buildFixture({ seqs: 2, cosigners: [WITNESS_A] });
  assert.equal(failure(await verifyRecordBundle(bytes, TRUST)), 'checkpoints | checkpoint 0 | quorum_not_met');
  const earlier = await buildFixture({ seqs: 4, earlierCheckpoint: true });
  const json = JSON.parse(new TextDecoder().decode(earlier.bytes));
  // Drop witness B's line from the earlier checkpoint only.
  json.checkpoints[1] = json.checkpoints[1].split('\n').filter((line: string) => !line.startsWith('— witness-b.example')).join('\n');
  const { encodeCanonicalJson } = await import('../src/index.js');
  assert.equal(failure(await verifyRecordBundle(encodeCanonicalJson(json), TRUST)), 'checkpoints | checkpoint 1 | quorum_not_met');
});

test('a withheld statement keeps the range provably complete', async () => {
  const { bytes } = await buildFixture({ seqs: 5, withhold: [2] });
  const verdict = await verifyRecordBundle(bytes, TRUST);
  assert.ok(verdict.ok, failure(verdict));
  assert.deepEqual([verdict.summary.withheld, verdict.summary.statements, verdict.summary.from, verdict.summary.to], [1, 4, 1, 5]);
  // Dropping the withheld seq instead is not possible without breaking the range: seq 3 would follow seq 1.
  const json = JSON.parse(new TextDecoder().decode(bytes));
  for (const column of ['entries', 'logIndexes', 'receivedAt']) json.channel[column].splice(1, 1);
  json.channel.to = 4;
  const hashes = Uint8Array.from(atob(json.channel.envelopeHashes), (c) => c.charCodeAt(0));
  json.channel.envelopeHashes = btoa(String.fromCharCode(...hashes.subarray(0, 32), ...hashes.subarray(64)));
  const { encodeCanonicalJson } = await import('../src/index.js');
  // The batched proof now has a hash too many for the leaves left: the log has no such range.
  assert.match(failure(await verifyRecordBundle(encodeCanonicalJson(json), TRUST)), /^proofs \| inclusion \| (root_mismatch|wrong_proof_length)$/);
});

test('a statement the log holds with a bad signature fails at its seq; earlier problems are named first', async () => {
  const broken = (target: number) => (seq: number, bytes: Uint8Array) => {
    if (seq !== target) return bytes;
    const copy = bytes.slice();
    copy[copy.length - 1]! ^= 1;
    return copy;
  };
  const { bytes } = await buildFixture({ seqs: 5, logged: broken(4) });
  const verdict = await verifyRecordBundle(bytes, TRUST);
  assert.equal(failure(verdict), 'statements | seq 4 | bad_signature');
  assert.equal(verdict.ok ? '' : verdict.failure.message, 'seq 4: the statement is not signed by its author device');
  // The same bundle with a receive time going back at seq 2: records come before statements.
  const back = await buildFixture({ seqs: 5, logged: broken(4), receivedAt: (seq) => (seq === 2 ? 1_767_225_600_000 : 1_767_225_600_000 + seq * 1000) });
  assert.equal(failure(await verifyRecordBundle(back.bytes, TRUST)), 'records | seq 2 | time_order');
});

test('signatures go through the injected batch verifier, once, and its answer counts', async () => {
  const { bytes } = await buildFixture({ seqs: 6, handshakes: [2], withhold: [5] });
  const calls: number[] = [];
  const refuseThird = async (items: readonly SignatureCheck[]) => {
    calls.push(items.length);
    return items.map((_, i) => i !== 2);
  };
  assert.equal(failure(await verifyRecordBundle(bytes, TRUST, { verifySignatures: refuseThird })), 'statements | seq 4 | bad_signature');
  assert.deepEqual(calls, [4], 'one batch of the four revealed statements');
});

test('the rules seam: a supplied check runs last, can fail the bundle, and marks breaches', async () => {
  const { bytes } = await buildFixture({ seqs: 3 });
  const ran = await verifyRecordBundle(bytes, TRUST, {
    checkRules: ({ items }) => ({ breaches: new Map([[items[1]!.seq, ['late_ack']]]) }),
  });
  assert.ok(ran.ok);
  assert.equal(ran.summary.rulesChecked, true);
  assert.deepEqual(ran.transcript.items.map((i) => i.statement?.breaches), [[], ['late_ack'], []]);
  const failed = await verifyRecordBundle(bytes, TRUST, { checkRules: () => ({ failure: { item: 'seq 2', code: 'ack_not_allowed', message: 'seq 2: an operator cannot acknowledge' } }) });
  assert.equal(failure(failed), 'rules | seq 2 | ack_not_allowed');
});

test('years later: a device revoked after its statements were logged does not undo them', async () => {
  const { bytes } = await buildFixture({ seqs: 3, revokeAfter: true });
  const verdict = await verifyRecordBundle(bytes, TRUST);
  assert.ok(verdict.ok, failure(verdict));
});

test('format failures name the member', async () => {
  const { bytes } = await buildFixture({ seqs: 2 });
  const text = new TextDecoder().decode(bytes);
  const cases: [string, string][] = [
    [text.replace('{"channel"', '{ "channel"'), 'format | bundle | not_canonical'],
    [text.replace('"mediaType":"application/vnd.hotline.record+json;version=1"', '"mediaType":"application/json"'), 'format | mediaType | wrong_media_type'],
    [text.replace('"from":1', '"from":1,"fromm":1'), 'format | channel | unknown_member'],
    [text.replace('"to":2', '"to":3'), 'format | channel.to | bad_range'],
    [text.replace(/"logIndexes":\[(\d+),/, '"logIndexes":["$1",'), 'format | channel.logIndexes[0] | wrong_type'],
  ];
  for (const [changed, expected] of cases) assert.equal(failure(await verifyRecordBundle(new TextEncoder().encode(changed), TRUST)), expected);
});
