/**
 * The page's independent check (src/shared/check) over real evidence: statements signed by a
 * device, log records in an RFC 6962 tree, a checkpoint signed by the log and cosigned by two
 * witnesses under a policy that needs both — then each thing a lying terminal could change,
 * one at a time, and the step the check must name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosigner, formatCheckpoint, formatVerifierKey, generateSignerKey, inclusionProof, KeyType, leafHash, MemoryTree, noteSigner, rootAt, signNote, toHex, verifierKeyOf } from '@hotline/log';
import { channelTag, encodeMessageBody, encodeRecord, Precedence, RecordKind, signerFor, signStatement, statementCommitment, StatementType } from '@hotline/protocol';
import { checkEvidence } from '../src/shared/check/check-evidence.js';
import type { CheckEvidence } from '../src/shared/check/evidence.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const LOG = generateSignerKey('log.example');
const WA = generateSignerKey('witness-a', KeyType.cosignatureV1);
const WB = generateSignerKey('witness-b', KeyType.cosignatureV1);
const POLICY = [`log ${formatVerifierKey(verifierKeyOf(LOG))}`, `witness A ${formatVerifierKey(verifierKeyOf(WA))}`, `witness B ${formatVerifierKey(verifierKeyOf(WB))}`, 'group both all A B', 'quorum both'].join('\n');
const channelId = random(16);
const device = signerFor(random(32));

async function fixture(count = 5) {
  const tree = new MemoryTree();
  const items = [];
  for (let seq = 1; seq <= count; seq++) {
    const st = signStatement({ type: StatementType.message, channelId, author: device.publicKey, time: 1_700_000_000_000 + seq, head: { seq: seq - 1, chainHash: new Uint8Array(32) }, body: encodeMessageBody({ precedence: Precedence.flash, language: 'en', text: `message ${seq}` }), salt: random(32) }, device);
    const record = encodeRecord({ kind: RecordKind.envelope, streamTag: channelTag(channelId), seq, itemHash: random(32), aux: statementCommitment(st), chainHash: random(32), receivedAt: 1_700_000_000_100 + seq });
    items.push({ seq, st, record, logIndex: tree.appendEntry(record) });
  }
  const root = await rootAt(tree.size, tree);
  assert.ok(root.ok);
  const note = signNote(formatCheckpoint({ origin: 'log.example', size: tree.size, rootHash: root.value, extensions: [] }), [noteSigner(LOG), cosigner(WA), cosigner(WB)]);
  return { tree, items, note };
}

async function evidenceFor(seq: number): Promise<CheckEvidence> {
  const fx = await fixture();
  const it = fx.items[seq - 1]!;
  const proof = await inclusionProof(it.logIndex, fx.tree.size, fx.tree);
  assert.ok(proof.ok);
  return {
    seq,
    statement: toHex(it.st.bytes),
    author: { deviceKey: toHex(device.publicKey) },
    record: toHex(it.record),
    logIndex: it.logIndex,
    leafHash: toHex(leafHash(it.record)),
    checkpoint: { size: fx.tree.size, note: fx.note, witnesses: ['witness-a', 'witness-b'] },
    inclusionProof: proof.value.map(toHex),
    logKey: formatVerifierKey(verifierKeyOf(LOG)),
    policy: POLICY,
  };
}

/** The hex with one bit flipped in byte `at` (negative: from the end). */
function flip(hex: string, at: number): string {
  const i = (at < 0 ? hex.length / 2 + at : at) * 2;
  return hex.slice(0, i) + ((parseInt(hex.slice(i, i + 2), 16) ^ 1).toString(16).padStart(2, '0')) + hex.slice(i + 2);
}

async function step(ev: CheckEvidence, seq = ev.seq, channel = channelId): Promise<string> {
  const r = await checkEvidence(ev, toHex(channel), seq);
  return r.ok ? 'ok' : r.step;
}

test('honest evidence: the browser agrees', async () => {
  for (const seq of [1, 3, 5]) assert.equal(await step(await evidenceFor(seq)), 'ok');
});

test('a changed byte in the message text (signature, salt and approval count follow it): the WebCrypto signature check disagrees', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, statement: flip(ev.statement, -100) }), 'signature');
});

test('a statement signed by another device than the evidence names', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, author: { deviceKey: toHex(signerFor(random(32)).publicKey) } }), 'author');
});

test('garbage instead of a statement', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, statement: 'zz' }), 'decode');
  assert.equal(await step({ ...ev, statement: ev.statement.slice(0, 40) }), 'decode');
});

test('the record of another statement (another seq, another commitment)', async () => {
  const ev2 = await evidenceFor(2);
  assert.equal(await step(ev2, 3), 'seq');
  const ev3 = await evidenceFor(3);
  assert.equal(await step({ ...ev2, record: ev3.record }), 'seq');
});

test('a record whose aux is not the statement commitment', async () => {
  const ev = await evidenceFor(2);
  const aux = 1 + 1 + 32 + 8 + 32; // version, kind, stream tag, seq, item hash
  assert.equal(await step({ ...ev, record: flip(ev.record, aux) }), 'commitment');
});

test('a record of another stream, or evidence for another channel than the one shown', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, record: flip(ev.record, 2) }), 'stream');
  assert.equal(await step(ev, 2, random(16)), 'stream');
});

test('a leaf hash that is not the record’s', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, leafHash: flip(ev.leafHash, 0) }), 'leaf');
});

test('an inclusion proof with one hash changed, or one hash short', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, inclusionProof: [flip(ev.inclusionProof[0]!, 5), ...ev.inclusionProof.slice(1)] }), 'inclusion');
  assert.equal(await step({ ...ev, inclusionProof: ev.inclusionProof.slice(1) }), 'inclusion');
  assert.equal(await step({ ...ev, logIndex: ev.logIndex + 1 }), 'inclusion');
});

test('a checkpoint one witness did not cosign fails the quorum; a forged log signature fails', async () => {
  const ev = await evidenceFor(2);
  const fx = await fixture();
  const root = await rootAt(fx.tree.size, fx.tree);
  assert.ok(root.ok);
  const oneWitness = signNote(formatCheckpoint({ origin: 'log.example', size: fx.tree.size, rootHash: root.value, extensions: [] }), [noteSigner(LOG), cosigner(WA)]);
  assert.equal(await step({ ...ev, checkpoint: { ...ev.checkpoint!, note: oneWitness } }), 'checkpoint');
  const otherLog = signNote(formatCheckpoint({ origin: 'log.example', size: fx.tree.size, rootHash: root.value, extensions: [] }), [noteSigner(generateSignerKey('log.example')), cosigner(WA), cosigner(WB)]);
  assert.equal(await step({ ...ev, checkpoint: { ...ev.checkpoint!, note: otherLog } }), 'checkpoint');
});

test('the terminal names a checkpoint size or a witness the note does not bear out', async () => {
  const ev = await evidenceFor(2);
  assert.equal(await step({ ...ev, checkpoint: { ...ev.checkpoint!, size: 99 } }), 'checkpointSize');
  assert.equal(await step({ ...ev, checkpoint: { ...ev.checkpoint!, witnesses: ['witness-a', 'witness-c'] } }), 'witnesses');
  assert.equal(await step({ ...ev, checkpoint: null }), 'noCheckpoint');
  assert.equal(await step({ ...ev, logKey: formatVerifierKey(verifierKeyOf(generateSignerKey('log.example'))) }), 'logKey');
});
