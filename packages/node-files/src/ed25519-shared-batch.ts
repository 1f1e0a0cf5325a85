/**
 * A batch of Ed25519 checks in shared memory, claimed chunk by chunk with an atomic counter by
 * every thread that works on it — the pool's threads from the start, the thread that made it once
 * it has nothing else to do — so no thread waits for another to hand it work.
 *
 * Layout of the SharedArrayBuffer: i32 next chunk | i32 count | i32 chunk size | i32 pad
 * | (count + 1) × u32 item offsets | count × u8 result (0 not yet, 1 valid, 2 invalid) | pad to 4
 * | items, each [32] public key | [64] signature | message.
 */
import type { PoolSignatureCheck as SignatureItem } from './ed25519-pool.js';
import { verifyEd25519 } from './ed25519-verify.js';

const HEADER = 16;
const CHUNK = 128;

interface View {
  readonly header: Int32Array;
  readonly offsets: Uint32Array;
  readonly results: Uint8Array;
  readonly bytes: Uint8Array;
}

function view(buffer: SharedArrayBuffer): View {
  const header = new Int32Array(buffer, 0, 4);
  const count = header[1]!;
  const offsets = new Uint32Array(buffer, HEADER, count + 1);
  const results = new Uint8Array(buffer, HEADER + 4 * (count + 1), count);
  return { header, offsets, results, bytes: new Uint8Array(buffer) };
}

export function packSharedBatch(items: readonly SignatureItem[]): SharedArrayBuffer {
  const count = items.length;
  const itemsAt = Math.ceil((HEADER + 4 * (count + 1) + count) / 4) * 4;
  let length = itemsAt;
  for (const item of items) length += 96 + item.message.length;
  const buffer = new SharedArrayBuffer(length);
  const header = new Int32Array(buffer, 0, 4);
  header[1] = count;
  header[2] = CHUNK;
  const offsets = new Uint32Array(buffer, HEADER, count + 1);
  const bytes = new Uint8Array(buffer);
  let at = itemsAt;
  items.forEach((item, i) => {
    offsets[i] = at;
    // A key or signature of the wrong length stays zeros here and is answered invalid (below).
    if (item.publicKey.length === 32) bytes.set(item.publicKey, at);
    if (item.signature.length === 64) bytes.set(item.signature, at + 32);
    bytes.set(item.message, at + 96);
    at += 96 + item.message.length;
  });
  offsets[count] = at;
  return buffer;
}

/** Claims chunks until none is left, verifying each; returns how many items this thread checked. */
export function workOnSharedBatch(buffer: SharedArrayBuffer): number {
  const { header, offsets, results, bytes } = view(buffer);
  const count = header[1]!;
  const chunk = header[2]!;
  let checked = 0;
  for (let c = Atomics.add(header, 0, 1); c * chunk < count; c = Atomics.add(header, 0, 1)) {
    for (let i = c * chunk; i < Math.min(count, (c + 1) * chunk); i++) {
      const at = offsets[i]!;
      const valid = verifyEd25519(bytes.subarray(at, at + 32), bytes.subarray(at + 96, offsets[i + 1]!), bytes.subarray(at + 32, at + 96));
      results[i] = valid ? 1 : 2;
      checked++;
    }
  }
  return checked;
}

/** The answers, once every thread that took part has returned from `workOnSharedBatch`. */
export function sharedBatchResults(buffer: SharedArrayBuffer, items: readonly SignatureItem[]): boolean[] {
  const { results } = view(buffer);
  return items.map((item, i) => {
    if (results[i] === 0) throw new Error(`signature ${i} of the batch was never checked`);
    return results[i] === 1 && item.publicKey.length === 32 && item.signature.length === 64;
  });
}
