/**
 * Sequencing on PostgreSQL: one transaction per batch, serialised by a row lock on the single
 * `tree_state` row (SELECT … FOR UPDATE). Under that lock the transaction reads the stream
 * heads, the items already placed and the epochs already claimed, assigns seqs, chain hashes,
 * log indexes and records, and writes log rows, epoch claims, directory effects, stream heads
 * and the new log size — all or nothing. Any number of relay processes may call it at once:
 * the lock makes them take turns, and a batch that fails (a lost connection, a killed process)
 * rolls back without having consumed a seq or an index.
 *
 * Set-based statements (unnest of arrays), so a batch costs a fixed number of round trips
 * however many items it holds.
 */
import { decodeRecord, encodeRecord, genesisChain, nextChain } from '@hotline/protocol';
import type { Sql, TransactionSql } from 'postgres';
import { isRevocation, type DeviceRow, type Placement, type RevocationEffect, type Sequenced, type SequenceItem } from '../records.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
/** Element type of a bytea[] parameter (postgres infers an array of buffers as one bytea). */
const BYTEA = 17;
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

interface Head {
  readonly id: number;
  lastSeq: number;
  chain: Uint8Array;
  /** One past the highest claimed epoch: the epoch its members are in. */
  epoch: number;
}

export async function appendBatch(sql: Sql, items: readonly SequenceItem[], receivedAt: number): Promise<Placement[]> {
  return sql.begin(async (tx) => {
    const [state] = await tx<{ log_size: number }[]>`SELECT log_size FROM tree_state WHERE id = 1 FOR UPDATE`;
    if (state === undefined) throw new Error('tree_state row is missing: the database was not created by this relay');
    const heads = await streamHeads(tx, items);
    const placed = await placedBefore(tx, items, heads);
    const claims = await claimedEpochs(tx, items, heads);
    let size = state.log_size;
    const out: Placement[] = [];
    const inBatch = new Map<string, Sequenced>();
    const rows: { idx: number; stream: number; seq: number; item: SequenceItem; record: Uint8Array }[] = [];
    const newClaims: { stream: number; epoch: number; seq: number }[] = [];
    for (const item of items) {
      const head = heads.get(hex(item.streamTag))!;
      const key = `${head.id}:${hex(item.itemHash)}`;
      const earlier = inBatch.get(key);
      if (earlier !== undefined) {
        out.push({ ...earlier, duplicate: true });
        continue;
      }
      const before = placed.get(key);
      const claimed = item.handshake === undefined ? undefined : claims.get(`${head.id}:${item.handshake.epoch}`);
      if (claimed !== undefined && before === undefined) {
        out.push({ refused: 'epoch_committed', epoch: item.handshake!.epoch, committedSeq: claimed, streamEpoch: head.epoch });
        continue;
      }
      if (before !== undefined) {
        out.push(before); // the same item again: its original receipt, refused or not
        continue;
      }
      const seq = head.lastSeq + 1;
      const chainHash = nextChain(head.chain, item.itemHash);
      const record = encodeRecord({ kind: item.kind, streamTag: item.streamTag, seq, itemHash: item.itemHash, aux: item.aux, chainHash, receivedAt });
      const placement: Sequenced = { seq, logIndex: size, chainHash, receivedAt, record, duplicate: false };
      rows.push({ idx: size++, stream: head.id, seq, item, record });
      head.lastSeq = seq;
      head.chain = chainHash;
      if (item.handshake?.commit === true) {
        claims.set(`${head.id}:${item.handshake.epoch}`, seq);
        newClaims.push({ stream: head.id, epoch: item.handshake.epoch, seq });
        head.epoch = Math.max(head.epoch, item.handshake.epoch + 1);
      }
      inBatch.set(key, placement);
      out.push(placement);
    }
    if (rows.length > 0) await writeRows(tx, rows, newClaims, heads, size);
    return out;
  });
}

/** Each stream's head, creating streams met for the first time (chain from genesis). */
async function streamHeads(tx: TransactionSql, items: readonly SequenceItem[]): Promise<Map<string, Head>> {
  const tags = [...new Map(items.map((i) => [hex(i.streamTag), i.streamTag])).values()].map(buf);
  await tx`
    INSERT INTO streams (tag, last_seq, chain)
    SELECT t, 0, c FROM unnest(${tx.array(tags, BYTEA)}::bytea[], ${tx.array(tags.map((t) => buf(genesisChain(t))), BYTEA)}::bytea[]) AS n (t, c)
    ON CONFLICT (tag) DO NOTHING`;
  const rows = await tx<{ id: number; tag: Buffer; last_seq: number; chain: Buffer; epoch: number }[]>`
    SELECT s.id, s.tag, s.last_seq, s.chain, COALESCE((SELECT MAX(e.epoch) + 1 FROM epochs e WHERE e.stream = s.id), 0) AS epoch
    FROM streams s WHERE s.tag = ANY(${tx.array(tags, BYTEA)}::bytea[])`;
  return new Map(rows.map((r) => [r.tag.toString('hex'), { id: r.id, lastSeq: r.last_seq, chain: bytes(r.chain), epoch: r.epoch }]));
}

/** Items of the batch already in their stream, by "stream:itemHash": their original placements. */
async function placedBefore(tx: TransactionSql, items: readonly SequenceItem[], heads: Map<string, Head>): Promise<Map<string, Sequenced>> {
  const streams = items.map((i) => heads.get(hex(i.streamTag))!.id);
  const rows = await tx<{ stream: number; item_hash: Buffer; idx: number; seq: number; record: Buffer }[]>`
    SELECT l.stream, l.item_hash, l.idx, l.seq, l.record
    FROM log l JOIN unnest(${streams}::int8[], ${tx.array(items.map((i) => buf(i.itemHash)), BYTEA)}::bytea[]) AS q (stream, item_hash)
      ON l.stream = q.stream AND l.item_hash = q.item_hash`;
  const out = new Map<string, Sequenced>();
  for (const r of rows) {
    const record = bytes(r.record);
    const decoded = decodeRecord(record);
    if (!decoded.ok) throw new Error(`stored log record ${r.idx} is corrupt: ${decoded.error.message}`);
    out.set(`${r.stream}:${r.item_hash.toString('hex')}`, { seq: r.seq, logIndex: r.idx, chainHash: decoded.value.chainHash, receivedAt: decoded.value.receivedAt, record, duplicate: true });
  }
  return out;
}

/** Epochs the batch's handshakes name that are already claimed, by "stream:epoch": the claiming seq. */
async function claimedEpochs(tx: TransactionSql, items: readonly SequenceItem[], heads: Map<string, Head>): Promise<Map<string, number>> {
  const asked = items.filter((i) => i.handshake !== undefined);
  if (asked.length === 0) return new Map();
  const rows = await tx<{ stream: number; epoch: number; seq: number }[]>`
    SELECT e.stream, e.epoch, e.seq
    FROM epochs e JOIN unnest(${asked.map((i) => heads.get(hex(i.streamTag))!.id)}::int8[], ${asked.map((i) => i.handshake!.epoch)}::int8[]) AS q (stream, epoch)
      ON e.stream = q.stream AND e.epoch = q.epoch`;
  return new Map(rows.map((r) => [`${r.stream}:${r.epoch}`, r.seq]));
}

async function writeRows(
  tx: TransactionSql,
  rows: readonly { idx: number; stream: number; seq: number; item: SequenceItem; record: Uint8Array }[],
  claims: readonly { stream: number; epoch: number; seq: number }[],
  heads: Map<string, Head>,
  size: number,
): Promise<void> {
  await tx`
    INSERT INTO log (idx, stream, seq, item_hash, record, body)
    SELECT * FROM unnest(${rows.map((r) => r.idx)}::int8[], ${rows.map((r) => r.stream)}::int8[], ${rows.map((r) => r.seq)}::int8[],
                         ${tx.array(rows.map((r) => buf(r.item.itemHash)), BYTEA)}::bytea[], ${tx.array(rows.map((r) => buf(r.record)), BYTEA)}::bytea[], ${tx.array(rows.map((r) => buf(r.item.body)), BYTEA)}::bytea[])`;
  if (claims.length > 0) {
    await tx`
      INSERT INTO epochs (stream, epoch, seq)
      SELECT * FROM unnest(${claims.map((c) => c.stream)}::int8[], ${claims.map((c) => c.epoch)}::int8[], ${claims.map((c) => c.seq)}::int8[])`;
  }
  await applyDirectory(tx, rows.map((r) => r.item));
  const touched = [...heads.values()];
  await tx`
    UPDATE streams SET last_seq = u.last_seq, chain = u.chain
    FROM unnest(${touched.map((h) => h.id)}::int8[], ${touched.map((h) => h.lastSeq)}::int8[], ${tx.array(touched.map((h) => buf(h.chain)), BYTEA)}::bytea[]) AS u (id, last_seq, chain)
    WHERE streams.id = u.id AND streams.last_seq < u.last_seq`;
  await tx`UPDATE tree_state SET log_size = ${size} WHERE id = 1`;
}

/** Registrations (first wins), then revocations (the earliest time wins). */
async function applyDirectory(tx: TransactionSql, items: readonly SequenceItem[]): Promise<void> {
  const devices: DeviceRow[] = [];
  const revocations: RevocationEffect[] = [];
  for (const { directory: d } of items) {
    if (d === undefined) continue;
    if (isRevocation(d)) revocations.push(d);
    else devices.push(d);
  }
  if (devices.length > 0) {
    await tx`
      INSERT INTO devices (key, party, member, roles, not_before, not_after, certificate)
      SELECT * FROM unnest(${tx.array(devices.map((d) => buf(d.key)), BYTEA)}::bytea[], ${devices.map((d) => d.party)}::text[], ${devices.map((d) => d.member)}::text[],
                           ${devices.map((d) => d.roles)}::int4[], ${devices.map((d) => d.notBefore)}::int8[], ${devices.map((d) => d.notAfter)}::int8[],
                           ${tx.array(devices.map((d) => buf(d.certificate)), BYTEA)}::bytea[])
      ON CONFLICT (key) DO NOTHING`;
  }
  for (const r of revocations) {
    await tx`UPDATE devices SET revoked_at = LEAST(COALESCE(revoked_at, ${r.revokedAt}), ${r.revokedAt}) WHERE key = ${buf(r.revokeKey)}`;
  }
}
