/** c2sp.org/tlog-proof: format, parse, and the four verification steps against a policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addSignatures,
  cosigner,
  formatCheckpoint,
  formatTlogProof,
  formatVerifierKey,
  inclusionProof,
  KeyType,
  leafHash,
  MemoryTree,
  noteSigner,
  parsePolicy,
  parseTlogProof,
  rootAt,
  signatureLine,
  signNote,
  utf8,
  verifierKeyOf,
  verifyTlogProof,
  type Policy,
  type Result,
  type SignerKey,
} from '../src/index.js';
import { entry, fixedClock, testKey } from './helpers.js';

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

const LOG = testKey('example.org/log', KeyType.ed25519, 1);
const WITNESSES = [1, 2, 3].map((i) => testKey(`example.org/w${i}`, KeyType.cosignatureV1, 20 + i));

function policy(quorum = 'two'): Policy {
  const lines = [`log ${formatVerifierKey(verifierKeyOf(LOG))}`];
  WITNESSES.forEach((w, i) => lines.push(`witness W${i + 1} ${formatVerifierKey(verifierKeyOf(w))}`));
  lines.push('group two 2 W1 W2 W3', `quorum ${quorum}`);
  const parsed = parsePolicy(lines.join('\n'));
  assert.ok(parsed.ok);
  return parsed.value;
}

async function receipt(index: number, cosigners: readonly SignerKey[], extra?: Uint8Array): Promise<string> {
  const tree = new MemoryTree();
  for (let i = 0; i < 50; i++) tree.appendEntry(entry(i));
  const root = await rootAt(50, tree);
  const proof = await inclusionProof(index, 50, tree);
  assert.ok(root.ok && proof.ok);
  const body = formatCheckpoint({ origin: LOG.name, size: 50, rootHash: root.value, extensions: [] });
  const lines = cosigners.map((w) => signatureLine(w.name, w.keyId, cosigner(w, fixedClock(1_800_000_000)).sign(utf8(body))));
  const checkpoint = addSignatures(signNote(body, [noteSigner(LOG)]), lines);
  return formatTlogProof({ index, inclusionProof: proof.value, checkpoint, ...(extra ? { extra } : {}) });
}

test('a receipt cosigned to quorum verifies, and round-trips through text', async () => {
  const text = await receipt(17, WITNESSES.slice(0, 2), utf8('artifact-1.2.3'));
  assert.match(text, /^c2sp\.org\/tlog-proof@v1\nextra YXJ0aWZhY3QtMS4yLjM=\nindex 17\n/);
  const parsed = parseTlogProof(text);
  assert.ok(parsed.ok);
  assert.equal(formatTlogProof(parsed.value), text);
  const verified = verifyTlogProof(text, leafHash(entry(17)), policy());
  assert.ok(verified.ok, verified.ok ? '' : verified.error.message);
  assert.deepEqual([...verified.value.checkpoint.witnessed].sort(), ['W1', 'W2']);
});

test('each verification step fails with its own code', async () => {
  const good = await receipt(17, WITNESSES.slice(0, 2));
  assert.equal(code(verifyTlogProof(good, leafHash(entry(18)), policy())), 'root_mismatch');
  assert.equal(code(verifyTlogProof(good.replace('index 17', 'index 16'), leafHash(entry(17)), policy())), 'root_mismatch');
  assert.equal(code(verifyTlogProof(good.replace('index 17', 'index 50'), leafHash(entry(17)), policy())), 'index_out_of_range');
  assert.equal(code(verifyTlogProof(await receipt(17, WITNESSES.slice(0, 1)), leafHash(entry(17)), policy())), 'quorum_not_met');
  assert.equal(code(verifyTlogProof(await receipt(17, []), leafHash(entry(17)), policy('none'))), 'ok');
  assert.equal(code(verifyTlogProof(good.replace('\n50\n', '\n51\n'), leafHash(entry(17)), policy())), 'bad_signature');
  const noLog = parsePolicy(`witness W1 ${formatVerifierKey(verifierKeyOf(WITNESSES[0]!))}\nquorum none\n`);
  assert.ok(noLog.ok);
  assert.equal(code(verifyTlogProof(good, leafHash(entry(17)), noLog.value)), 'no_log_signature');
  const lines = good.split('\n');
  const truncated = [...lines.slice(0, 3), ...lines.slice(4)].join('\n'); // drop one proof hash
  assert.equal(code(verifyTlogProof(truncated, leafHash(entry(17)), policy())), 'wrong_proof_length');
});

test('malformed receipts are rejected as malformed_tlog_proof', async () => {
  const good = await receipt(3, WITNESSES);
  const cases: [string, string][] = [
    ['wrong header', good.replace('tlog-proof@v1', 'tlog-proof@v2')],
    ['no index line', good.replace('index 3\n', '')],
    ['index with leading zero', good.replace('index 3', 'index 03')],
    ['bad extra', good.replace('index 3', 'extra !!\nindex 3')],
    ['short hash line', good.replace(/\nindex 3\n[^\n]+/, '\nindex 3\nAAAA')],
    ['no blank line', good.replace(/\n\n/g, '\n')],
    ['no checkpoint', good.slice(0, good.indexOf('\n\n') + 2)],
    ['blank line inside the proof section', good.replace('index 3\n', 'index 3\n\n')],
  ];
  for (const [why, text] of cases) assert.equal(code(parseTlogProof(text)), 'malformed_tlog_proof', why);
  const hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
  const withHashes = (n: number) => `c2sp.org/tlog-proof@v1\nindex 3\n${hash.repeat(n)}\n${good.slice(good.indexOf('\n\n') + 2)}`;
  assert.equal(code(parseTlogProof(withHashes(63))), 'ok', '63 hashes cover a tree of 2^63 leaves');
  assert.equal(code(parseTlogProof(withHashes(64))), 'malformed_tlog_proof');
});

test("the spec's example receipt parses (its elided signatures are the checkpoint's concern)", () => {
  const example = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
`;
  // As printed, the example elides its signatures ("[...]"), so it is not a signed checkpoint.
  assert.equal(code(parseTlogProof(example)), 'malformed_tlog_proof');
  const completed = example.replace('hI2DJw[...]1roloI=', `${'A'.repeat(86)}==`);
  const parsed = parseTlogProof(completed);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  assert.equal(parsed.value.index, 73894);
  assert.equal(parsed.value.inclusionProof.length, 5);
  assert.equal(parsed.value.extra?.length, 39);
  assert.equal(code(verifyTlogProof(completed, new Uint8Array(32), policy())), 'no_log_signature');
});
