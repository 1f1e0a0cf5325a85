/**
 * readMlsFraming against real RFC 9420 messages from ts-mls (test/vectors/mls-framing.json, an
 * implementation this package does not use), and against hand-broken framings: each must fail
 * with `malformed_mls_framing`, never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fromHex, toHex } from '@hotline/log';
import { MlsContentType, MlsWireFormat, readMlsFraming } from '../src/index.js';
import { code } from './fixtures.js';

interface Vector {
  readonly name: string;
  readonly message: string;
  readonly wireFormat?: number;
  readonly epoch?: number;
  readonly contentType?: number;
  readonly groupId?: string;
  readonly error?: string;
}
const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors', 'mls-framing.json');
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors;

test('reads wire format, group id, epoch and content type of messages ts-mls produced', () => {
  assert.ok(vectors.length >= 5);
  for (const v of vectors) {
    const read = readMlsFraming(fromHex(v.message)!);
    if (v.error !== undefined) {
      assert.equal(code(read), v.error, v.name);
      continue;
    }
    assert.ok(read.ok, `${v.name}: ${read.ok ? '' : read.error.message}`);
    assert.equal(read.value.wireFormat, v.wireFormat, v.name);
    assert.equal(read.value.epoch, v.epoch, v.name);
    assert.equal(read.value.contentType, v.contentType, v.name);
    assert.equal(toHex(read.value.groupId), v.groupId, v.name);
  }
});

/** A minimal PrivateMessage prefix: mls10, wire format, group id vector (1-byte length), epoch, content type. */
function privatePrefix(groupIdLength: Uint8Array, groupId: Uint8Array, epoch: bigint, contentType: number = MlsContentType.commit): Uint8Array {
  const e = new Uint8Array(8);
  new DataView(e.buffer).setBigUint64(0, epoch);
  return new Uint8Array([0, 1, 0, MlsWireFormat.privateMessage, ...groupIdLength, ...groupId, ...e, contentType]);
}

test('hand-built framings: two- and four-byte lengths are read; every broken one names its defect', () => {
  const id = new Uint8Array(64).fill(7);
  const two = readMlsFraming(privatePrefix(new Uint8Array([0x40, 64]), id, 5n));
  assert.ok(two.ok && two.value.groupId.length === 64 && two.value.epoch === 5);
  const big = new Uint8Array(16384).fill(1);
  const four = readMlsFraming(privatePrefix(new Uint8Array([0x80, 0, 0x40, 0]), big, 9n));
  assert.ok(four.ok && four.value.groupId.length === 16384 && four.value.epoch === 9);

  const opening = fromHex(vectors[0]!.message)!;
  const broken: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /truncated in version/],
    ['version 2', Uint8Array.from([0, 2, ...opening.subarray(2)]), /not mls10/],
    ['key package wire format', Uint8Array.from([0, 1, 0, 5, ...opening.subarray(4)]), /wire format 5/],
    ['length prefix 0b11', privatePrefix(new Uint8Array([0xc0, 0, 0, 0, 0, 0, 0, 16]), new Uint8Array(16), 0n), /invalid prefix/],
    ['non-minimal length', privatePrefix(new Uint8Array([0x40, 16]), new Uint8Array(16), 0n), /not minimally encoded/],
    ['group id longer than the message', privatePrefix(new Uint8Array([0x3f]), new Uint8Array(10), 0n).subarray(0, 20), /truncated in group_id/],
    ['epoch cut short', opening.subarray(0, 25), /truncated in epoch/],
    ['epoch beyond 2^53 - 1', privatePrefix(new Uint8Array([1]), new Uint8Array(1), 1n << 60n), /exceeds 2\^53 - 1/],
    ['content type 0', privatePrefix(new Uint8Array([1]), new Uint8Array(1), 0n, 0), /content type 0/],
    ['content type missing', opening.subarray(0, 29), /truncated in content_type/],
  ];
  for (const [name, bytes, message] of broken) {
    const read = readMlsFraming(bytes);
    assert.equal(code(read), 'malformed_mls_framing', name);
    assert.match(read.ok ? '' : read.error.message, message, name);
  }
  const publicCommit = fromHex(vectors.find((v) => v.wireFormat === MlsWireFormat.publicMessage)!.message)!;
  const senderAt = 4 + 1 + 16 + 8;
  const reserved = publicCommit.slice();
  reserved[senderAt] = 0;
  const read = readMlsFraming(reserved);
  assert.equal(code(read), 'malformed_mls_framing');
  assert.match(read.ok ? '' : read.error.message, /sender type 0/);
});

test('arbitrary bytes never throw: a framing or a coded error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const read = readMlsFraming(bytes);
      assert.ok(read.ok || read.error.code === 'malformed_mls_framing');
    }),
    { numRuns: 2000 },
  );
});
