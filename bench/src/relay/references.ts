/**
 * Physical references measured in the same run as the relay: what the machine's SQLite and the
 * local NATS JetStream do with the same 1 KB payloads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';

/**
 * Raw SQLite WAL inserts of 1 KB rows, 100 per transaction, with the relay's durability
 * (synchronous=FULL: each commit waits for fsync).
 */
export function sqliteBatchedInserts(durationMs: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-sqlite-'));
  const db = new Database(join(dir, 'ref.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
    const body = Buffer.alloc(1024, 7);
    const batch = db.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(body);
    });
    let rows = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      batch();
      rows += 100;
    }
    return (rows * 1000) / (performance.now() - start);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** JetStream publish-with-ack of 1 KB messages to a file-backed stream, `inFlight` at a time. */
export async function natsPublishAck(durationMs: number, inFlight: number): Promise<number> {
  const nc = await connect({ servers: '127.0.0.1:4222', timeout: 3000 });
  const stream = `HOTLINE_BENCH_${process.pid}`;
  const subject = `hotline.bench.${process.pid}`;
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File });
    const js = jetstream(nc);
    const body = new Uint8Array(1024).fill(7);
    let acked = 0;
    const start = performance.now();
    const worker = async () => {
      while (performance.now() - start < durationMs) {
        await js.publish(subject, body);
        acked++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const rate = (acked * 1000) / (performance.now() - start);
    await jsm.streams.delete(stream);
    return rate;
  } finally {
    await nc.close();
  }
}
