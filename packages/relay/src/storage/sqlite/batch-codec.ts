/**
 * Compact binary form of a batch crossing to the log writer thread and of its placements
 * coming back. Structured-cloning thousands of small Uint8Arrays per second costs more than
 * the commit; one contiguous, transferred buffer costs a copy of each body.
 *
 * Batch:  u32 count, then per item: u8 kind | [32] stream tag | [32] item hash | [32] aux
 *         | u32 body length | body. Directory effects and handshake epochs travel alongside (rare).
 * Placed: per item, 155 bytes: u8 status, then
 *         status 0 (new) or 1 (duplicate): u64 log index | [146] record (seq, chain and time inside);
 *         status 2 (epoch refused): u64 epoch | u64 committed seq | u64 stream epoch | zeros.
 */
import { decodeRecord, RECORD_SIZE, type RecordKind } from '@hotline/protocol';
import { isRefusal, type DirectoryEffect, type HandshakeEpoch, type Placement, type SequenceItem } from '../records.js';


export interface EncodedBatch {
  readonly buffer: ArrayBuffer;
  /** Directory effects by item position (certificates and revocations only). */
  readonly directory: readonly (readonly [number, DirectoryEffect])[];
  /** Handshake epochs by item position (MLS handshake envelopes only). */
  readonly handshakes: readonly (readonly [number, HandshakeEpoch])[];
}

export function encodeBatch(items: readonly SequenceItem[]): EncodedBatch {
  let size = 4;
  for (const item of items) size += 1 + 32 * 3 + 4 + item.body.length;
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  view.setUint32(0, items.length);
  let at = 4;
  const directory: [number, DirectoryEffect][] = [];
  const handshakes: [number, HandshakeEpoch][] = [];
  items.forEach((item, i) => {
    bytes[at] = item.kind;
    bytes.set(item.streamTag, at + 1);
    bytes.set(item.itemHash, at + 33);
    bytes.set(item.aux, at + 65);
    view.setUint32(at + 97, item.body.length);
    bytes.set(item.body, at + 101);
    at += 101 + item.body.length;
    if (item.directory !== undefined) directory.push([i, item.directory]);
    if (item.handshake !== undefined) handshakes.push([i, item.handshake]);
  });
  return { buffer, directory, handshakes };
}

export function decodeBatch(batch: EncodedBatch): SequenceItem[] {
  const bytes = new Uint8Array(batch.buffer);
  const view = new DataView(batch.buffer);
  const effects = new Map(batch.directory);
  const handshakes = new Map(batch.handshakes);
  const items: SequenceItem[] = [];
  let at = 4;
  for (let i = 0; i < view.getUint32(0); i++) {
    const length = view.getUint32(at + 97);
    const effect = effects.get(i);
    const handshake = handshakes.get(i);
    items.push({
      kind: bytes[at]! as RecordKind,
      streamTag: bytes.subarray(at + 1, at + 33),
      itemHash: bytes.subarray(at + 33, at + 65),
      aux: bytes.subarray(at + 65, at + 97),
      body: bytes.subarray(at + 101, at + 101 + length),
      ...(effect === undefined ? {} : { directory: effect }),
      ...(handshake === undefined ? {} : { handshake }),
    });
    at += 101 + length;
  }
  return items;
}

const PLACED_SIZE = 1 + 8 + RECORD_SIZE;

const Status = { new: 0, duplicate: 1, refused: 2 } as const;

export function encodePlaced(placed: readonly Placement[]): ArrayBuffer {
  const buffer = new ArrayBuffer(placed.length * PLACED_SIZE);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  placed.forEach((p, i) => {
    const at = i * PLACED_SIZE;
    if (isRefusal(p)) {
      bytes[at] = Status.refused;
      view.setBigUint64(at + 1, BigInt(p.epoch));
      view.setBigUint64(at + 9, BigInt(p.committedSeq));
      view.setBigUint64(at + 17, BigInt(p.streamEpoch));
      return;
    }
    bytes[at] = p.duplicate ? Status.duplicate : Status.new;
    view.setBigUint64(at + 1, BigInt(p.logIndex));
    bytes.set(p.record, at + 9);
  });
  return buffer;
}

export function decodePlaced(buffer: ArrayBuffer): Placement[] {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const out: Placement[] = [];
  for (let at = 0; at < bytes.length; at += PLACED_SIZE) {
    if (bytes[at] === Status.refused) {
      const u64 = (offset: number) => Number(view.getBigUint64(at + offset));
      out.push({ refused: 'epoch_committed', epoch: u64(1), committedSeq: u64(9), streamEpoch: u64(17) });
      continue;
    }
    const record = bytes.subarray(at + 9, at + 9 + RECORD_SIZE);
    const decoded = decodeRecord(record);
    if (!decoded.ok) throw new Error(`log writer returned a malformed record: ${decoded.error.message}`);
    out.push({
      duplicate: bytes[at] === Status.duplicate,
      logIndex: Number(view.getBigUint64(at + 1)),
      seq: decoded.value.seq,
      chainHash: decoded.value.chainHash,
      receivedAt: decoded.value.receivedAt,
      record,
    });
  }
  return out;
}
