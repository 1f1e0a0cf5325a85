/** The Ed25519 worker pool answers exactly what a sequential check would, for good and bad signatures alike. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { ed25519Pool } from '../src/ed25519-pool.js';
import { sharedEd25519Verifier } from '../src/ed25519-shared.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyPair(seedByte: number) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.alloc(32, seedByte)]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12));
  return { publicKey, sign: (m: Uint8Array) => new Uint8Array(sign(null, m, privateKey)) };
}

/** A batch of real signatures by three keys, with `tampered` items changed: another key, a short signature, a changed message. */
function signedBatch(length: number, tampered: ReadonlySet<number>) {
  const keys = [keyPair(1), keyPair(2), keyPair(3)];
  const items = Array.from({ length }, (_, i) => {
    const key = keys[i % 3]!;
    const message = new TextEncoder().encode(`statement ${i} ${'x'.repeat(i % 50)}`);
    return { publicKey: key.publicKey, message, signature: key.sign(message) };
  });
  return items.map((item, i) => {
    if (!tampered.has(i)) return item;
    if (i === 0) return { ...item, publicKey: keys[1]!.publicKey }; // another key
    if (i === 7) return { ...item, signature: item.signature.subarray(0, 63) }; // short signature
    const message = item.message.slice();
    message[0]! ^= 1;
    return { ...item, message };
  });
}

test('a pool of two threads verifies a batch; every tampered item, and only it, is refused', async () => {
  const tampered = new Set([0, 7, 150, 300]);
  const batch = signedBatch(301, tampered);
  const pool = ed25519Pool(2);
  try {
    const verify = sharedEd25519Verifier(pool);
    const answers = await verify(batch);
    assert.deepEqual(answers, batch.map((_, i) => !tampered.has(i)));
    assert.deepEqual(await verify([]), []);
    assert.deepEqual(await verify([{ publicKey: new Uint8Array(32), message: new Uint8Array(1), signature: new Uint8Array(64) }]), [false]);
  } finally {
    await pool.close();
  }
  assert.throws(() => ed25519Pool(0), RangeError);
});

test('the pool and the calling thread share a batch (chunks, this thread joining once it waits): the same answers, in order', async () => {
  const tampered = new Set([0, 7, 150, 300, 1299]);
  const batch = signedBatch(1301, tampered);
  const pool = ed25519Pool(1);
  try {
    const shared = sharedEd25519Verifier(pool);
    assert.deepEqual(await shared(batch), batch.map((_, i) => !tampered.has(i)));
    assert.deepEqual(await sharedEd25519Verifier(undefined)(batch.slice(0, 20)), batch.slice(0, 20).map((_, i) => !tampered.has(i)), 'with no pool, this thread does it all');
    assert.deepEqual(await shared([]), []);
  } finally {
    await pool.close();
  }
});
