/**
 * One thread of the Ed25519 pool (ed25519-pool.ts): receives a packed batch, answers one byte
 * per signature (1 valid, 0 not). Packing: per item, [32] public key | [64] signature | u32 length
 * | message. Key objects are cached: a channel has few device keys, and importing one costs about
 * as much as a verification.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const SPKI_PREFIX = Buffer.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const keys = new Map<string, KeyObject | undefined>();

function keyFor(raw: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(raw).toString('hex');
  if (!keys.has(id)) {
    let key: KeyObject | undefined;
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      key = undefined; // not a point OpenSSL accepts: every signature by it fails
    }
    keys.set(id, key);
  }
  return keys.get(id);
}

function verifyPacked(packed: Uint8Array, count: number): Uint8Array {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const key = keyFor(packed.subarray(at, at + 32));
    const signature = packed.subarray(at + 32, at + 96);
    const length = view.getUint32(at + 96);
    const message = packed.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    try {
      results[i] = key !== undefined && verify(null, message, key, signature) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  return results;
}

parentPort!.on('message', ({ id, packed, count }: { id: number; packed: Uint8Array; count: number }) => {
  const results = verifyPacked(packed, count);
  parentPort!.postMessage({ id, results }, [results.buffer as ArrayBuffer]);
});
