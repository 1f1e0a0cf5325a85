/**
 * WebSocket frames between a device and the relay (docs/spec/protocol.md §11). Binary frames:
 *
 *   u8 type | u32 request id | body
 *
 * Device → relay
 *   1 SUBSCRIBE    [16] channel id | u64 from seq      deliver the channel from `from seq` on
 *   2 UNSUBSCRIBE  [16] channel id
 *   3 SUBMIT       envelope bytes                      sequence it; answered by RECEIPT or ERROR
 * Relay → device
 *   10 RECEIPT     u64 seq | u64 log index | [32] chain hash | u64 received at (ms) | u8 duplicate
 *   11 DELIVERY    [16] channel id | delivery (§10)
 *   12 ERROR       u16 status | string16 code | string16 message
 *   13 SUBSCRIBED  [16] channel id | u64 last seq at subscription time
 */
import { Reader, Writer } from './codec.js';
import { fail, type Result } from './errors.js';
import { CHANNEL_ID_SIZE, MAX_PAYLOAD_BYTES } from './envelope.js';
import { RECORD_SIZE } from './log-record.js';

export const ClientFrameType = { subscribe: 1, unsubscribe: 2, submit: 3 } as const;
export const RelayFrameType = { receipt: 10, delivery: 11, error: 12, subscribed: 13 } as const;

export type ClientFrame =
  | { type: typeof ClientFrameType.subscribe; requestId: number; channelId: Uint8Array; fromSeq: number }
  | { type: typeof ClientFrameType.unsubscribe; requestId: number; channelId: Uint8Array }
  | { type: typeof ClientFrameType.submit; requestId: number; envelope: Uint8Array };

export type RelayFrame =
  | { type: typeof RelayFrameType.receipt; requestId: number; seq: number; logIndex: number; chainHash: Uint8Array; receivedAt: number; duplicate: boolean }
  | { type: typeof RelayFrameType.delivery; requestId: number; channelId: Uint8Array; logIndex: number; record: Uint8Array; envelope: Uint8Array }
  | { type: typeof RelayFrameType.error; requestId: number; status: number; code: string; message: string }
  | { type: typeof RelayFrameType.subscribed; requestId: number; channelId: Uint8Array; lastSeq: number };

export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  const w = new Writer().u8(frame.type).u32(frame.requestId);
  if (frame.type === ClientFrameType.subscribe) w.fixed(frame.channelId, CHANNEL_ID_SIZE).u64(frame.fromSeq);
  else if (frame.type === ClientFrameType.unsubscribe) w.fixed(frame.channelId, CHANNEL_ID_SIZE);
  else w.fixed(frame.envelope, frame.envelope.length);
  return w.finish();
}

export function decodeClientFrame(bytes: Uint8Array): Result<ClientFrame> {
  if (bytes.length < 5) return fail('malformed_encoding', `frame of ${bytes.length} bytes is shorter than its 5-byte header`);
  const type = bytes[0]!;
  const r = new Reader(bytes, 'malformed_encoding', `frame type ${type}`);
  r.u8('type');
  const requestId = r.u32('request id');
  switch (type) {
    case ClientFrameType.subscribe: {
      const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
      const fromSeq = r.u64('from seq');
      return r.end({ type, requestId, channelId, fromSeq });
    }
    case ClientFrameType.unsubscribe:
      return r.end({ type, requestId, channelId: r.fixed(CHANNEL_ID_SIZE, 'channel id') });
    case ClientFrameType.submit: {
      if (bytes.length - 5 > MAX_PAYLOAD_BYTES + 64) return fail('too_large', `submitted envelope is ${bytes.length - 5} bytes`);
      return { ok: true, value: { type, requestId, envelope: bytes.slice(5) } };
    }
    default:
      return fail('malformed_encoding', `unknown frame type ${type} (expected 1 subscribe, 2 unsubscribe, 3 submit)`);
  }
}

export function encodeRelayFrame(frame: RelayFrame): Uint8Array {
  const w = new Writer().u8(frame.type).u32(frame.requestId);
  switch (frame.type) {
    case RelayFrameType.receipt:
      w.u64(frame.seq).u64(frame.logIndex).fixed(frame.chainHash, 32).u64(frame.receivedAt).u8(frame.duplicate ? 1 : 0);
      break;
    case RelayFrameType.delivery:
      w.fixed(frame.channelId, CHANNEL_ID_SIZE).u64(frame.logIndex).fixed(frame.record, RECORD_SIZE).bytes32(frame.envelope);
      break;
    case RelayFrameType.error:
      w.u16(frame.status).string16(frame.code).string16(frame.message.slice(0, 1000));
      break;
    case RelayFrameType.subscribed:
      w.fixed(frame.channelId, CHANNEL_ID_SIZE).u64(frame.lastSeq);
      break;
  }
  return w.finish();
}

export function decodeRelayFrame(bytes: Uint8Array): Result<RelayFrame> {
  if (bytes.length < 5) return fail('malformed_encoding', `frame of ${bytes.length} bytes is shorter than its 5-byte header`);
  const type = bytes[0]!;
  const r = new Reader(bytes, 'malformed_encoding', `relay frame type ${type}`);
  r.u8('type');
  const requestId = r.u32('request id');
  switch (type) {
    case RelayFrameType.receipt: {
      const seq = r.u64('seq');
      const logIndex = r.u64('log index');
      const chainHash = r.fixed(32, 'chain hash');
      const receivedAt = r.u64('received at');
      const duplicate = r.u8('duplicate') === 1;
      return r.end({ type, requestId, seq, logIndex, chainHash, receivedAt, duplicate });
    }
    case RelayFrameType.delivery: {
      const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
      const logIndex = r.u64('log index');
      const record = r.fixed(RECORD_SIZE, 'record');
      const envelope = r.bytes32('envelope', MAX_PAYLOAD_BYTES + 64);
      return r.end({ type, requestId, channelId, logIndex, record, envelope });
    }
    case RelayFrameType.error: {
      const status = r.u16('status');
      const code = r.string16('code', 100);
      const message = r.string16('message', 4000);
      return r.end({ type, requestId, status, code, message });
    }
    case RelayFrameType.subscribed: {
      const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
      return r.end({ type, requestId, channelId, lastSeq: r.u64('last seq') });
    }
    default:
      return fail('malformed_encoding', `unknown relay frame type ${type}`);
  }
}
