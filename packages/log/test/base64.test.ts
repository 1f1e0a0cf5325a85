import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBase64, toBase64 } from '../src/index.js';

test('base64 round-trips and matches the standard alphabet with padding', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = toBase64(bytes);
      assert.equal(text, Buffer.from(bytes).toString('base64'));
      assert.deepEqual(fromBase64(text), bytes);
    }),
    { numRuns: 300 },
  );
});

test('base64 rejects every non-canonical spelling', () => {
  for (const text of ['QQ', 'QQ=', 'Q===', 'QR==', 'QUJ=', ' QQ==', 'QQ==\n', 'QQ==QQ==', '-_8=', 'QQ!=', '====', 'A']) {
    assert.equal(fromBase64(text), undefined, text);
  }
  assert.deepEqual(fromBase64(''), new Uint8Array(0));
  assert.deepEqual(fromBase64('QUI='), new Uint8Array([0x41, 0x42]));
});
