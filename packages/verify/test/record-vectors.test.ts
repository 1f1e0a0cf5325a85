/**
 * The record bundle vectors (docs/spec/record.md "Vectors"): a small bundle's bytes, the trust
 * it verifies under and the verdict, checked in under test/vectors/. The test re-creates the
 * bundle from the fixture's fixed seeds and requires the same bytes, then checks the verdict —
 * and the verdicts of a few named corruptions of it. `UPDATE_VECTORS=1` rewrites the files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyRecordBundle, type RecordVerdict } from '../src/index.js';
import { buildFixture, TRUST } from './record-fixture.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors');
const BUNDLE = join(dir, 'record-small.json');
const EXPECTED = join(dir, 'record-small.verdicts.json');

interface Expected {
  readonly trust: typeof TRUST;
  readonly summary: unknown;
  readonly corruptions: readonly { readonly name: string; readonly find: string; readonly replace: string; readonly failure: string }[];
}

const shortFailure = (v: RecordVerdict) => (v.ok ? 'ok' : `${v.failure.step} ${v.failure.item} ${v.failure.code}`);

test('the checked-in bundle is what the fixed seeds give, and verifies with the checked-in verdict', async () => {
  const { bytes } = await buildFixture({ seqs: 4, handshakes: [3], withhold: [4], earlierCheckpoint: true });
  const verdict = await verifyRecordBundle(bytes, TRUST);
  assert.ok(verdict.ok);
  if (process.env.UPDATE_VECTORS === '1') {
    writeFileSync(BUNDLE, bytes);
    const text = new TextDecoder().decode(bytes);
    const firstStatement = JSON.parse(text).channel.entries[0] as string;
    const corruptions = [
      { name: 'whitespace after the first brace', find: '{"channel"', replace: '{ "channel"' },
      { name: 'upper-case media type', find: 'record+json', replace: 'RECORD+json' },
      { name: 'first statement, last base64 character changed', find: firstStatement, replace: firstStatement.slice(0, -4) + (firstStatement.slice(-4, -3) === 'A' ? 'B' : 'A') + firstStatement.slice(-3) },
      { name: 'to one beyond the entries', find: '"to":4', replace: '"to":5' },
    ].map((c) => ({ ...c, failure: '' }));
    const filled = [];
    for (const c of corruptions) filled.push({ ...c, failure: shortFailure(await verifyRecordBundle(new TextEncoder().encode(text.replace(c.find, c.replace)), TRUST)) });
    writeFileSync(EXPECTED, `${JSON.stringify({ trust: TRUST, summary: verdict.summary, corruptions: filled }, null, 2)}\n`);
  }
  assert.deepEqual(bytes, new Uint8Array(readFileSync(BUNDLE)), 'the bundle encoding changed: update docs/spec/record.md and the vectors together');
  const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Expected;
  assert.deepEqual(expected.trust, TRUST);
  const fromFile = await verifyRecordBundle(new Uint8Array(readFileSync(BUNDLE)), expected.trust);
  assert.ok(fromFile.ok);
  assert.deepEqual(JSON.parse(JSON.stringify(fromFile.summary)), expected.summary);
  const text = readFileSync(BUNDLE, 'utf8');
  assert.ok(expected.corruptions.length >= 4);
  for (const c of expected.corruptions) {
    assert.ok(text.includes(c.find), c.name);
    assert.equal(shortFailure(await verifyRecordBundle(new TextEncoder().encode(text.replace(c.find, c.replace)), expected.trust)), c.failure, c.name);
    assert.notEqual(c.failure, 'ok', c.name);
  }
});
