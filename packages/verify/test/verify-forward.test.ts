/**
 * Forward with provenance (protocol.md §13.3): a real forward verifies; every single-byte change
 * of what it embeds — each byte of the original statement, of its log record, of the tlog-proof
 * and of the source charter — is forward_invalid; a charter that does not name the target, a
 * checkpoint short of the receiving channel's witness quorum and an author who was no device of a
 * source party are forward_invalid; an unpinned source party is "unverifiable", not an alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeForwardBody, type ForwardBody } from '@hotline/protocol';
import { forwardLine, verifyForward, type ForwardOutcome } from '../src/index.js';
import { buildForward, type ForwardFixture } from './forward-fixture.js';
import { WITNESS_A } from './record-fixture.js';

const fixture = await buildForward();

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

function withPart(f: ForwardFixture, part: 'original' | 'record' | 'proof' | 'charter', bytes: Uint8Array): Uint8Array {
  const parts: ForwardBody = { ...f.parts, [part]: bytes };
  return encodeForwardBody(parts);
}

function assertInvalid(outcome: ForwardOutcome, what: string, pattern?: RegExp): void {
  assert.equal(outcome.status, 'invalid', `${what}: ${forwardLine(outcome)}`);
  if (pattern !== undefined && outcome.status === 'invalid') assert.match(outcome.message, pattern, what);
}

test('a real forward verifies and names its origin', () => {
  const outcome = verifyForward(fixture.body, fixture.context);
  assert.equal(outcome.status, 'verified', forwardLine(outcome));
  assert.equal(forwardLine(outcome), 'origin verified: channel Washington–Moscow direct line, seq 1, author washington/president, checkpoint relay.example/log size 5');
  assert.equal(outcome.status === 'verified' && outcome.origin.comment, 'for your information');
});

for (const part of ['original', 'record', 'proof', 'charter'] as const) {
  test(`every single-byte change of the embedded ${part} is forward_invalid`, () => {
    const bytes = fixture.parts[part];
    assert.ok(bytes.length > 100, `${part} is ${bytes.length} bytes`);
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x80]) {
        const changed = bytes.slice();
        changed[at] = changed[at]! ^ mask;
        assertInvalid(verifyForward(withPart(fixture, part, changed), fixture.context), `${part} byte ${at} ^ ${mask}`);
      }
    }
  });
}

test('a truncated or extended original, and a malformed body, are forward_invalid', () => {
  assertInvalid(verifyForward(withPart(fixture, 'original', fixture.parts.original.subarray(0, -1)), fixture.context), 'truncated');
  assertInvalid(verifyForward(withPart(fixture, 'original', Uint8Array.of(...fixture.parts.original, 0)), fixture.context), 'extended');
  assertInvalid(verifyForward(fixture.body.subarray(0, fixture.body.length - 1), fixture.context), 'body truncated', /forward body/);
  assertInvalid(verifyForward(flipped(fixture.body, 3), fixture.context), 'body length');
});

test('a source charter that does not name the receiving channel is forward_invalid', async () => {
  const none = await buildForward({ forwardTo: [] });
  assertInvalid(verifyForward(none.body, none.context), 'format 1 charter', /does not permit forwarding to Crisis staff line/);
  const elsewhere = await buildForward({ forwardTo: [new Uint8Array(16).fill(0x44)] });
  assertInvalid(verifyForward(elsewhere.body, elsewhere.context), 'another target', /does not permit forwarding/);
});

test('a checkpoint short of the receiving channel\'s quorum is forward_invalid', async () => {
  const one = await buildForward({ cosigners: [WITNESS_A] });
  assertInvalid(verifyForward(one.body, one.context), 'one witness', /quorum/);
});

test('an unpinned source party is unverifiable, said plainly, not an alert', async () => {
  const f = await buildForward({ pinned: ['moscow'] });
  const outcome = verifyForward(f.body, f.context);
  assert.equal(outcome.status, 'unverifiable');
  assert.equal(forwardLine(outcome), 'origin unverifiable: party washington not pinned');
  // A changed byte is still invalid, even where the party is not pinned.
  assertInvalid(verifyForward(withPart(f, 'original', flipped(f.parts.original, 40)), f.context), 'changed, unpinned');
});

test('a pinned root other than the charter\'s, and an author not in the directory, are forward_invalid', () => {
  const moscow = fixture.context.pinned.get('moscow')!;
  const wrongRoots = new Map([...fixture.context.pinned, ['washington', moscow]]);
  assertInvalid(verifyForward(fixture.body, { ...fixture.context, pinned: wrongRoots }), 'wrong root', /another root key for washington/);
  assertInvalid(verifyForward(fixture.body, { ...fixture.context, device: () => undefined }), 'no device', /not a device in the directory/);
  const revoked = { ...fixture.directory[0]!, revokedIndex: 1 };
  assertInvalid(verifyForward(fixture.body, { ...fixture.context, device: () => revoked }), 'revoked before', /revoked/);
  const outsider = { ...fixture.directory[0]!, party: 'london' };
  assertInvalid(verifyForward(fixture.body, { ...fixture.context, device: () => outsider }), 'other party', /not a party of/);
});
