/** c2sp.org/tlog-checkpoint and tlog-cosignature: spec examples, verification, rejections. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addSignatures,
  cosignatureVerifier,
  cryptoProvider,
  cosignedMessage,
  cosigner,
  formatCheckpoint,
  KeyType,
  noteSigner,
  noteVerifier,
  parseCheckpoint,
  parseNote,
  signatureLine,
  signNote,
  toBase64,
  utf8,
  verifierKeyOf,
  verifyCheckpoint,
  verifyCosignature,
  type Result,
} from '../src/index.js';
import { fixedClock, testKey } from './helpers.js';

const SPEC_CHECKPOINT = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==
`;

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

const LOG = testKey('example.org/log', KeyType.ed25519, 1);
const W1 = testKey('example.org/w1', KeyType.cosignatureV1, 2);
const W2 = testKey('example.org/w2', KeyType.cosignatureV1, 3);
const BODY = formatCheckpoint({ origin: 'example.org/log', size: 42, rootHash: new Uint8Array(32).fill(9), extensions: [] });

function cosigned(): string {
  const signed = signNote(BODY, [noteSigner(LOG)]);
  const text = utf8(BODY);
  const lines = [W1, W2].map((w) => {
    const signer = cosigner(w, fixedClock(1_700_000_000 + w.seed[0]!));
    return signatureLine(signer.name, signer.keyId, signer.sign(text));
  });
  return addSignatures(signed, lines);
}

test('the spec checkpoint parses into origin, size and root', () => {
  const note = parseNote(SPEC_CHECKPOINT);
  assert.ok(note.ok);
  const cp = parseCheckpoint(note.value.text);
  assert.ok(cp.ok);
  assert.equal(cp.value.origin, 'example.com/behind-the-sofa');
  assert.equal(cp.value.size, 20852163);
  assert.equal(toBase64(cp.value.rootHash), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  assert.equal(formatCheckpoint(cp.value), note.value.text);
});

test('the spec cosignature carries the timestamp of the spec signed-message example', () => {
  const note = parseNote(SPEC_CHECKPOINT);
  assert.ok(note.ok);
  const w1 = note.value.signatures[1]!;
  assert.equal(w1.name, 'witness.example.com/w1');
  assert.equal(w1.signature.length, 72);
  const timestamp = new DataView(w1.signature.buffer, w1.signature.byteOffset).getBigUint64(0);
  assert.equal(timestamp, 1679315147n);
  assert.equal(
    new TextDecoder().decode(cosignedMessage(utf8(note.value.text), Number(timestamp))),
    'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
  );
});

test('a checkpoint signed by the log and cosigned by two witnesses verifies with timestamps', () => {
  const result = verifyCheckpoint(cosigned(), {
    logs: [noteVerifier(verifierKeyOf(LOG))],
    witnesses: [cosignatureVerifier(verifierKeyOf(W1)), cosignatureVerifier(verifierKeyOf(W2))],
  });
  assert.ok(result.ok);
  assert.equal(result.value.checkpoint.size, 42);
  assert.deepEqual(result.value.cosignatures.map((c) => [c.name, c.timestamp]), [
    ['example.org/w1', 1_700_000_002],
    ['example.org/w2', 1_700_000_003],
  ]);
  const one = verifyCosignature(cosigned(), cosignatureVerifier(verifierKeyOf(W2)));
  assert.ok(one.ok);
  assert.equal(one.value.timestamp, 1_700_000_003);
});

test('checkpoint verification names each failure', () => {
  const logs = [noteVerifier(verifierKeyOf(LOG))];
  const witnesses = [cosignatureVerifier(verifierKeyOf(W1))];
  assert.equal(code(verifyCheckpoint(cosigned().replace('\n42\n', '\n43\n'), { logs, witnesses })), 'bad_signature');
  assert.equal(code(verifyCheckpoint(cosigned(), { logs: [noteVerifier(verifierKeyOf(testKey('example.org/log', 1, 5)))] })), 'no_log_signature');
  const otherOrigin = testKey('example.org/other', KeyType.ed25519, 1);
  const signedByOther = signNote(BODY, [noteSigner(otherOrigin)]);
  assert.equal(code(verifyCheckpoint(signedByOther, { logs: [noteVerifier(verifierKeyOf(otherOrigin))] })), 'origin_mismatch');
  const badBody = signNote('example.org/log\n042\nAAAA\n', [noteSigner(LOG)]);
  assert.equal(code(verifyCheckpoint(badBody, { logs })), 'malformed_checkpoint');
  // A cosignature line by a known witness whose bytes are wrong: the checkpoint is refused.
  const forged = signNote(BODY, [noteSigner(LOG)]) + signatureLine(W1.name, W1.keyId, new Uint8Array(72));
  assert.equal(code(verifyCheckpoint(forged, { logs, witnesses })), 'bad_cosignature');
  assert.equal(code(verifyCosignature(signNote(BODY, [noteSigner(LOG)]), witnesses[0]!)), 'no_cosignature');
});

test('a cosignature verifies only over the exact checkpoint text and timestamp', () => {
  const signer = cosigner(W1, fixedClock(1000));
  const verifier = cosignatureVerifier(verifierKeyOf(W1));
  const sig = signer.sign(utf8(BODY));
  assert.equal(verifier.verifiedTimestamp(utf8(BODY), sig), 1000);
  const otherTime = sig.slice();
  otherTime[7] = 0xe9; // timestamp 1001 with the signature for 1000
  assert.equal(verifier.verify(utf8(BODY), otherTime), false);
  assert.equal(verifier.verify(utf8(BODY.replace('42', '41')), sig), false);
  assert.equal(verifier.verify(utf8(BODY), sig.subarray(0, 71)), false);
});

test('cosignatures with validly signed but out-of-range timestamps are rejected', () => {
  const verifier = cosignatureVerifier(verifierKeyOf(W1));
  const ed = cryptoProvider.ed25519Signer(W1.seed);
  const signAt = (timestamp: bigint) => {
    const message = utf8(`cosignature/v1\ntime ${timestamp}\n${BODY}`);
    const bytes = new Uint8Array(72);
    new DataView(bytes.buffer).setBigUint64(0, timestamp);
    bytes.set(ed.sign(message), 8);
    return bytes;
  };
  assert.equal(verifier.verifiedTimestamp(utf8(BODY), signAt(2n ** 53n - 1n)), 2 ** 53 - 1, 'the largest exact timestamp is accepted');
  assert.equal(verifier.verify(utf8(BODY), signAt(2n ** 53n)), false, 'beyond 2^53 - 1 is refused');
  assert.equal(verifier.verify(utf8(BODY), signAt(2n ** 63n)), false, 'beyond the spec cap of 2^63 - 1 is refused');
});

test('a cosignature key can never stand in for the log key', () => {
  const witnessAsLog = cosignatureVerifier(verifierKeyOf(W1));
  assert.equal(code(verifyCheckpoint(cosigned(), { logs: [witnessAsLog] })), 'unsupported_key_type');
});

test('malformed checkpoint texts are rejected', () => {
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const cases: [string, string][] = [
    [`origin\n1\n`, 'malformed_checkpoint'],
    [`\n1\n${root}\n`, 'malformed_checkpoint'],
    [`origin\n01\n${root}\n`, 'malformed_checkpoint'],
    [`origin\n-1\n${root}\n`, 'malformed_checkpoint'],
    [`origin\n1.0\n${root}\n`, 'malformed_checkpoint'],
    [`origin\n 1\n${root}\n`, 'malformed_checkpoint'],
    [`origin\n1\n${root.slice(4)}\n`, 'malformed_checkpoint'],
    [`origin\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`, 'malformed_checkpoint'],
    [`origin\n1\n${root}\n\n`, 'malformed_checkpoint'],
    [`origin\n1\n${root}`, 'malformed_checkpoint'],
    [`origin\n9007199254740993\n${root}\n`, 'size_out_of_range'],
  ];
  for (const [text, expected] of cases) assert.equal(code(parseCheckpoint(text)), expected, JSON.stringify(text));
  const ext = parseCheckpoint(`origin\n0\n${root}\next one\n`);
  assert.ok(ext.ok);
  assert.deepEqual(ext.value.extensions, ['ext one']);
});
