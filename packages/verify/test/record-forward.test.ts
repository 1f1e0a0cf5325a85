/**
 * A forward in a record bundle: the rules step runs the same verifyForward as the terminals, so
 * the transcript shows "origin verified" for an intact forward, and forward_invalid (a breach
 * of that statement, the bundle still verifying as a record of what was said) for one whose
 * source charter does not permit this channel or whose embedded original was changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeForwardBody, type Charter } from '@hotline/protocol';
import { verifyRecordBundle, type RecordVerdict, type TranscriptForward } from '../src/index.js';
import { charterFor, forwardFromTree } from './forward-fixture.js';
import { buildFixture, TRUST } from './record-fixture.js';

const SOURCE = new Uint8Array(16).fill(0x41);
const RECORD_CHANNEL = new Uint8Array(16).fill(0x42); // record-fixture's channel

async function bundleForwarding(source: Charter, change?: (original: Uint8Array) => Uint8Array): Promise<Uint8Array> {
  const { bytes } = await buildFixture({
    seqs: 3,
    forward: {
      seq: 2,
      make: async (tree) => {
        const { parts } = await forwardFromTree(tree, source);
        return encodeForwardBody({ ...parts, original: change?.(parts.original) ?? parts.original });
      },
    },
  });
  return bytes;
}

function forwardAt(verdict: RecordVerdict, seq: number): { body: TranscriptForward; breaches: readonly string[] } {
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.failure.message);
  const item = verdict.transcript.items.find((i) => i.seq === seq)!;
  const body = item.statement!.body;
  assert.equal(body.kind, 'forward');
  return { body: body as TranscriptForward, breaches: item.statement!.breaches };
}

test('a bundle holding a forward verifies and shows its origin verified', async () => {
  const bytes = await bundleForwarding(charterFor(SOURCE, 'Staff line', [RECORD_CHANNEL]));
  const { body, breaches } = forwardAt(await verifyRecordBundle(bytes, TRUST), 2);
  assert.deepEqual(breaches, []);
  assert.equal(body.status, 'verified');
  assert.match(body.line, /^origin verified: channel Staff line, seq 1, author washington\/president, checkpoint relay\.example\/log size \d+$/);
  assert.equal(body.origin?.text, 'We are standing down the alert.');
  assert.equal(body.comment, 'for your information');
});

test('in a bundle, a forward the source charter does not permit, or with a changed original, is forward_invalid', async () => {
  const none = forwardAt(await verifyRecordBundle(await bundleForwarding(charterFor(SOURCE, 'Staff line')), TRUST), 2);
  assert.deepEqual(none.breaches, ['forward_invalid']);
  assert.equal(none.body.status, 'invalid');
  assert.match(none.body.line, /^forward_invalid: the charter of Staff line does not permit forwarding/);
  const changed = forwardAt(await verifyRecordBundle(await bundleForwarding(charterFor(SOURCE, 'Staff line', [RECORD_CHANNEL]), (o) => Uint8Array.from(o, (b, i) => (i === 150 ? b ^ 4 : b))), TRUST), 2);
  assert.deepEqual(changed.breaches, ['forward_invalid']);
  assert.match(changed.body.line, /^forward_invalid: the original statement/);
});

test('with the rules step skipped, a forward shows as not checked', async () => {
  const bytes = await bundleForwarding(charterFor(SOURCE, 'Staff line', [RECORD_CHANNEL]));
  const { body } = forwardAt(await verifyRecordBundle(bytes, TRUST, { checkRules: null }), 2);
  assert.equal(body.status, 'unchecked');
});
