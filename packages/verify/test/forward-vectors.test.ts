/**
 * The forward vectors (docs/spec/protocol.md §13.3): a format-2 source charter, a target charter
 * and a forward body from the fixture's fixed seeds, with the outcome each gives, checked in
 * under test/vectors/forward.json. The test re-creates them and requires the same bytes, then
 * verifies the checked-in body. `UPDATE_VECTORS=1` rewrites the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex, toHex } from '@hotline/log';
import { forwardLine, verifyForward } from '../src/index.js';
import { buildForward } from './forward-fixture.js';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors', 'forward.json');

interface Vectors {
  readonly sourceCharter: string;
  readonly targetCharter: string;
  readonly original: string;
  readonly record: string;
  readonly proof: string;
  readonly comment: string;
  readonly body: string;
  readonly outcome: string;
  readonly changed: readonly { readonly name: string; readonly bodyByte: number; readonly outcome: string }[];
}

test('the checked-in forward is what the fixed seeds give, and verifies with the checked-in outcome', async () => {
  const f = await buildForward();
  const flip = (at: number) => {
    const b = f.body.slice();
    b[at] = b[at]! ^ 1;
    return forwardLine(verifyForward(b, f.context));
  };
  const originalAt = 4; // after the bytes32 length
  const recordAt = originalAt + f.parts.original.length;
  const proofAt = recordAt + 146 + 2;
  const charterAt = proofAt + f.parts.proof.length + 2;
  const named = [
    { name: 'original: a byte of its text', bodyByte: originalAt + 140 },
    { name: 'original: a byte of its salt', bodyByte: originalAt + f.parts.original.length - 80 },
    { name: 'record: a byte of its receive time', bodyByte: recordAt + 145 },
    { name: 'proof: a byte of the first inclusion hash', bodyByte: proofAt + 40 },
    { name: 'charter: a byte of the forward target', bodyByte: charterAt + f.source.body.length - 1 },
  ];
  const built: Vectors = {
    sourceCharter: toHex(f.source.bytes),
    targetCharter: toHex(f.target.bytes),
    original: toHex(f.parts.original),
    record: toHex(f.parts.record),
    proof: new TextDecoder().decode(f.parts.proof),
    comment: f.parts.comment,
    body: toHex(f.body),
    outcome: forwardLine(verifyForward(f.body, f.context)),
    changed: named.map((n) => ({ ...n, outcome: flip(n.bodyByte) })),
  };
  if (process.env.UPDATE_VECTORS === '1') writeFileSync(FILE, `${JSON.stringify(built, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FILE, 'utf8')) as Vectors;
  assert.deepEqual(built, expected);
  assert.match(expected.outcome, /^origin verified: /);
  for (const c of expected.changed) assert.match(c.outcome, /^forward_invalid: /, c.name);
  assert.equal(forwardLine(verifyForward(fromHex(expected.body)!, f.context)), expected.outcome);
});
