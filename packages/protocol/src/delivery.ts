/**
 * Deliveries (docs/spec/protocol.md §10): how the relay hands a sequenced envelope to a
 * member, over HTTP (concatenated) or in a WebSocket frame. The record lets the terminal check
 * seq and chain before it has a checkpoint; the log index lets it fetch the inclusion proof.
 *
 *   u64 log index | [146] log record | u32 length | envelope
 */
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { MAX_PAYLOAD_BYTES } from './envelope.js';
import { RECORD_SIZE } from './log-record.js';

export interface Delivery {
  readonly logIndex: number;
  readonly record: Uint8Array;
  readonly envelope: Uint8Array;
}

export function encodeDelivery(delivery: Delivery): Uint8Array {
  return new Writer().u64(delivery.logIndex).fixed(delivery.record, RECORD_SIZE).bytes32(delivery.envelope).finish();
}

/** Decodes zero or more concatenated deliveries. */
export function decodeDeliveries(bytes: Uint8Array, max = 10_000): Result<Delivery[]> {
  const out: Delivery[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (out.length === max) return fail('too_large', `more than ${max} deliveries`);
    const header = 8 + RECORD_SIZE + 4;
    if (at + header > bytes.length) return fail('malformed_encoding', `delivery ${out.length} truncated in its header`);
    const r = new Reader(bytes.subarray(at, at + header), 'malformed_encoding', `delivery ${out.length}`);
    const logIndex = r.u64('log index');
    const record = r.fixed(RECORD_SIZE, 'record');
    const length = r.u32('envelope length');
    const head = r.end(null);
    if (!head.ok) return head;
    if (length > MAX_PAYLOAD_BYTES + 64) return fail('too_large', `delivery ${out.length} envelope is ${length} bytes`);
    if (at + header + length > bytes.length) return fail('malformed_encoding', `delivery ${out.length} truncated in its envelope`);
    out.push({ logIndex, record, envelope: bytes.slice(at + header, at + header + length) });
    at += header + length;
  }
  return ok(out);
}
