/**
 * One party's root cannot revoke another party's device in a bundle: a revocation must name a
 * device its own party certified earlier in its stream (an honest relay refuses anything else,
 * and terminals flag it). Without that check, whether such a revocation counted depended on the
 * charter's party order (review of issue 12).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectOk, foldRight, formatCheckpoint, MemoryTree, multiInclusionProof, noteSigner, perfectSubtrees, signNote } from '@hotline/log';
import { decodeRecord, encodeRecord, issueRevocation, nextChain, partyRootSigner, partyTag, RecordKind, revocationHash, type Signer } from '@hotline/protocol';
import { encodeRecordBundle, verifyRecordBundle, type DirectoryEntryInput } from '../src/index.js';
import { decodeBundleJson } from '../src/record/bundle-json.js';
import { rebuildChannelRecords } from '../src/record/rebuild.js';
import { buildFixture, LOG_KEY, MOSCOW, moscowDevice, WASHINGTON, washingtonDevice, WITNESS_A, WITNESS_B } from './record-fixture.js';

const T0 = 1_767_225_600_000;

async function revokedByOther(revoker: 'washington' | 'moscow', victim: Signer): Promise<string> {
  const fx = await buildFixture({ seqs: 4 });
  const records = rebuildChannelRecords(decodeBundleJson(JSON.parse(new TextDecoder().decode(fx.bytes))), fx.charter);
  const [washingtonCert] = fx.input.directory[0]!.entries as DirectoryEntryInput[];
  const [moscowCert] = fx.input.directory[1]!.entries as DirectoryEntryInput[];
  const own = revoker === 'washington' ? washingtonCert! : moscowCert!;
  const revocation = issueRevocation({ party: revoker, deviceKey: victim.publicKey, time: T0 / 1000, reason: 'hostile' }, partyRootSigner(revoker === 'washington' ? WASHINGTON : MOSCOW));
  const chainHash = nextChain(expectOk(decodeRecord(own.record)).chainHash, revocationHash(revocation));
  const record = encodeRecord({ kind: RecordKind.revocation, streamTag: partyTag(revoker), seq: 2, itemHash: revocationHash(revocation), aux: revocation.deviceKey, chainHash, receivedAt: T0 });
  const tree = new MemoryTree();
  tree.appendEntry(washingtonCert!.record);
  tree.appendEntry(moscowCert!.record);
  tree.appendEntry(record);
  for (const r of records) tree.appendLeafHash(r.leaf);
  const size = tree.size;
  const rootHash = foldRight(expectOk(tree.readNodes(perfectSubtrees(0, size))));
  const note = signNote(formatCheckpoint({ origin: LOG_KEY.name, size, rootHash, extensions: [] }), [noteSigner(LOG_KEY), ...[WITNESS_A, WITNESS_B].map((w) => noteSigner(w, () => T0 / 1000 + 10_000))]);
  const revoked = { logIndex: 2, record, entry: revocation.bytes };
  const directory = [
    { party: 'washington', entries: [{ ...washingtonCert!, logIndex: 0 }, ...(revoker === 'washington' ? [revoked] : [])] },
    { party: 'moscow', entries: [{ ...moscowCert!, logIndex: 1 }, ...(revoker === 'moscow' ? [revoked] : [])] },
  ];
  const entries = fx.input.channel.entries.map((e, i) => ({ ...e, logIndex: 3 + i }));
  const inclusion = expectOk(await multiInclusionProof([0, 1, 2, 3, 4, 5, 6], size, tree));
  const verdict = await verifyRecordBundle(encodeRecordBundle({ ...fx.input, checkpoints: [note], consistency: [], channel: { ...fx.input.channel, entries }, directory, inclusion }), fx.trust);
  return verdict.ok ? 'ok' : `${verdict.failure.step} | ${verdict.failure.item} | ${verdict.failure.code}`;
}

test('a revocation of another party\'s device fails the directory, whichever party comes first in the charter', async () => {
  assert.equal(await revokedByOther('moscow', washingtonDevice), 'directory | party moscow entry 2 | wrong_party');
  assert.equal(await revokedByOther('washington', moscowDevice), 'directory | party washington entry 2 | wrong_party');
});
