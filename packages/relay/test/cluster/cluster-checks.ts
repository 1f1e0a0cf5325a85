/**
 * What a cluster run must end with, checked from the database's own rows and the nodes' own
 * answers: the log (every acknowledged envelope exactly once where its receipt says, per-stream
 * seqs 1..n, chains), one checkpoint lineage (every checkpoint any node or witness served,
 * signed by the log key, consistent with every smaller one — packages/log's proofs), and the
 * witnesses' answers (409s counted, no refusal).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bytesEqual, consistencyProof, parseCheckpoint, parseNoteVerifier, TileHashReader, toHex, verifyConsistency, verifyNote } from '@hotline/log';
import { decodeRecord, genesisChain, nextChain, RecordKind } from '@hotline/protocol';
import postgres from 'postgres';
import type { Ack } from './cluster-load.js';

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Every acknowledged envelope exactly once, where its receipt says; seqs and chains; the log size. */
export async function checkLog(dbUrl: string, acks: ReadonlyMap<string, Ack>): Promise<{ size: number; perChannel: Map<string, string[]> }> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {}, types: { bigint: postgres.BigInt } });
  try {
    const rows = await sql<{ idx: bigint; tag: Buffer; seq: bigint; item_hash: Buffer; record: Buffer }[]>`
      SELECT l.idx, s.tag, l.seq, l.item_hash, l.record FROM log l JOIN streams s ON s.id = l.stream ORDER BY l.idx`;
    const [state] = await sql<{ log_size: bigint }[]>`SELECT log_size FROM tree_state WHERE id = 1`;
    assert.equal(Number(state!.log_size), rows.length, 'the log size is the number of rows');
    const heads = new Map<string, { seq: number; chain: Uint8Array }>();
    const byHash = new Map<string, { idx: number; seq: number }>();
    const perChannel = new Map<string, string[]>();
    rows.forEach((row, i) => {
      assert.equal(Number(row.idx), i, `log index ${i} is present once (no gap, no duplicate)`);
      const record = decodeRecord(bytes(row.record));
      assert.ok(record.ok, `record ${i} decodes`);
      const r = record.value;
      const tag = toHex(bytes(row.tag));
      assert.equal(toHex(r.streamTag), tag, `record ${i} names its stream`);
      const head = heads.get(tag) ?? { seq: 0, chain: genesisChain(bytes(row.tag)) };
      assert.equal(Number(row.seq), head.seq + 1, `stream ${tag.slice(0, 8)}: seq ${head.seq + 1} follows ${head.seq} (record ${i})`);
      assert.equal(r.seq, Number(row.seq));
      const chain = nextChain(head.chain, r.itemHash);
      assert.ok(bytesEqual(chain, r.chainHash), `record ${i}: chain hash continues its stream`);
      heads.set(tag, { seq: head.seq + 1, chain });
      if (r.kind === RecordKind.envelope) {
        const hash = toHex(r.itemHash);
        assert.ok(!byHash.has(hash), `envelope ${hash.slice(0, 8)} is in the log once`);
        byHash.set(hash, { idx: i, seq: r.seq });
        perChannel.set(tag, [...(perChannel.get(tag) ?? []), hash]);
      }
    });
    for (const [hash, ack] of acks) {
      const placed = byHash.get(hash);
      assert.ok(placed !== undefined, `acknowledged envelope ${hash.slice(0, 8)} (node ${ack.node}) is in the log`);
      assert.deepEqual(placed, { idx: ack.receipt.logIndex, seq: ack.receipt.seq }, `envelope ${hash.slice(0, 8)} is where its receipt says`);
    }
    return { size: rows.length, perChannel };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Polls /checkpoint on every live node, keeping every distinct note any of them served. */
export class CheckpointWatcher {
  readonly notes = new Set<string>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(urls: () => readonly string[]) {
    this.loop = (async () => {
      while (this.running) {
        await Promise.all(
          urls().map(async (url) => {
            try {
              const response = await fetch(`${url}/checkpoint`);
              if (response.ok) this.notes.add(await response.text());
            } catch {
              // a node being killed: its checkpoints so far are kept
            }
          }),
        );
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/**
 * One lineage: each note verifies under the log key; one root per size; each checkpoint is
 * consistent with the next smaller one, proven from the stored tiles. Returns the sizes seen.
 */
export async function checkLineage(dbUrl: string, logKey: string, notes: Iterable<string>): Promise<number[]> {
  const verifier = parseNoteVerifier(logKey);
  assert.ok(verifier.ok);
  const roots = new Map<number, Uint8Array>();
  for (const note of notes) {
    const verified = verifyNote(note, [verifier.value]);
    assert.ok(verified.ok, `a served checkpoint verifies under the log key: ${verified.ok ? '' : verified.error.message}`);
    const checkpoint = parseCheckpoint(verified.value.text);
    assert.ok(checkpoint.ok);
    const { size, rootHash } = checkpoint.value;
    const seen = roots.get(size);
    if (seen !== undefined) assert.ok(bytesEqual(seen, rootHash), `two roots for size ${size}: a fork`);
    roots.set(size, rootHash);
  }
  const sizes = [...roots.keys()].sort((a, b) => a - b);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (let i = 1; i < sizes.length; i++) {
      const [from, to] = [sizes[i - 1]!, sizes[i]!];
      if (from === 0) continue; // the empty tree is consistent with every tree
      const reader = new TileHashReader(to, async (level, index, width) => {
        const [row] = await sql<{ hashes: Buffer }[]>`SELECT hashes FROM tiles WHERE level = ${level} AND idx = ${index}`;
        if (row === undefined || row.hashes.length < width * 32) throw new Error(`tile ${level}/${index} missing`);
        return bytes(row.hashes).subarray(0, width * 32);
      });
      const proof = await consistencyProof(from, to, reader);
      assert.ok(proof.ok, `a consistency proof ${from} → ${to} can be built`);
      const consistent = verifyConsistency(from, to, proof.value, roots.get(from)!, roots.get(to)!);
      assert.ok(consistent.ok, `checkpoint ${to} is consistent with checkpoint ${from}: ${consistent.ok ? '' : consistent.error.message}`);
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
  return sizes;
}

/** hotline_witness_requests by status, summed over nodes: 409s are expected, refusals are not. */
export async function witnessAnswers(urls: readonly string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^hotline_witness_requests_total\{[^}]*status="([^"]+)"[^}]*\} (\d+)$/gm)) {
      totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + Number(match[2]));
    }
  }
  return totals;
}

/** A counter of hotline_cluster on one node, summed over lines holding every label given (such as 'direction="heard"'). */
export async function clusterCounter(url: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('hotline_cluster_total{') && labels.every((l) => line.includes(l))) sum += Number(line.split(' ').at(-1));
  return sum;
}

/** Each node's newest quorum checkpoint size (0 without one). */
export async function quorumSize(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/quorum-checkpoint`);
  if (!response.ok) return 0;
  const text = await response.text();
  const checkpoint = parseCheckpoint(text.slice(0, text.indexOf('\n\n') + 1));
  return checkpoint.ok ? checkpoint.value.size : 0;
}

/** The checkpoint each witness last cosigned for the log (GET /<hex SHA-256 of origin>/checkpoint). */
export async function witnessCheckpoints(witnessUrls: readonly string[], origin: string): Promise<string[]> {
  const path = createHash('sha256').update(origin).digest('hex');
  return Promise.all(
    witnessUrls.map(async (url) => {
      const response = await fetch(`${url}/${path}/checkpoint`);
      assert.equal(response.status, 200, `witness ${url} holds a checkpoint of the log`);
      return response.text();
    }),
  );
}

