/**
 * A whole relay on PostgreSQL: devices register and log in, a channel is opened, envelopes are
 * sequenced, delivered over WebSocket and covered by a signed checkpoint; after a restart onto
 * the same database the log, the directory (the access snapshot is loaded from it) and the
 * original receipts are all still there. A second relay on the database meanwhile starts only
 * with the first one's log key (copied), never with a key of its own.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCheckpoint, parseNote } from '@hotline/log';
import { RelayClient } from '../../src/client/index.js';
import { LOG_KEY_FILE, RelayStartError, silentLogger, startRelay } from '../../src/index.js';
import { enrol, envelope, eventually, openChannel, ROOTS, tempDir } from '../fixtures.js';
import { freshPostgresDatabase, postgresUnavailable } from './postgres-databases.js';

const unavailable = await postgresUnavailable();

test('a relay on PostgreSQL sequences, delivers, checkpoints, and finds it all again after a restart', { skip: unavailable ?? false, timeout: 60_000 }, async () => {
  const db = await freshPostgresDatabase();
  const dir = tempDir();
  const options = { dataDir: dir.path, store: db.url, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger };
  try {
    const relay = await startRelay(options);
    let first;
    let one: Uint8Array | undefined;
    const [alice, boris] = [await enrol(relay, 'washington', 'Alice'), await enrol(relay, 'moscow', 'Boris')];
    const channel = await openChannel(alice, [alice, boris]);
    try {
      const socket = await boris.client.connect();
      const delivered: number[] = [];
      socket.onDelivery = (d) => delivered.push(d.logIndex);
      await socket.subscribe(channel, 1);
      one = envelope(channel, 'one');
      first = await alice.client.submit(channel, one);
      const second = await alice.client.submit(channel, envelope(channel, 'two'));
      assert.deepEqual([first.seq, second.seq], [1, 2]);
      assert.equal(second.logIndex, 3, 'two certificates, then the envelopes');
      await eventually(() => (delivered.length === 2 ? true : undefined), 5000, 'both deliveries');
      assert.deepEqual(delivered, [2, 3]);
      await socket.close();
      const checkpoint = await eventually(async () => {
        const note = parseNote(await relay.storage.tree.checkpoint().then((c) => c?.note ?? ''));
        const parsed = note.ok ? parseCheckpoint(note.value.text) : undefined;
        return parsed?.ok && parsed.value.size === 4 ? parsed.value : undefined;
      }, 5000, 'a checkpoint of size 4');
      assert.equal(checkpoint.origin, relay.origin);
      const other = tempDir();
      try {
        await assert.rejects(startRelay({ ...options, dataDir: other.path }), (e: unknown) => e instanceof RelayStartError && e.code === 'log_key_mismatch', 'a node with a key of its own would sign a second history');
        copyFileSync(join(dir.path, LOG_KEY_FILE), join(other.path, LOG_KEY_FILE));
        const second = await startRelay({ ...options, dataDir: other.path });
        assert.equal(second.log.size, 4, 'the second node sees the same log');
        await second.close();
      } finally {
        other.remove();
      }
    } finally {
      await relay.close();
    }
    const again = await startRelay(options);
    try {
      assert.equal(again.log.size, 4);
      assert.equal(again.log.checkpoint?.size, 4, 'the final checkpoint of the first run');
      const client = new RelayClient(again.url);
      await client.login(alice.signer); // the directory came back from PostgreSQL
      const resent = await client.submit(channel, envelope(channel, 'three'));
      assert.equal(resent.seq, 3);
      assert.equal(resent.logIndex, 4);
      const read = await client.envelopes(channel);
      assert.deepEqual(read.map((d) => d.logIndex), [2, 3, 4]);
      const replayed = await client.submit(channel, one!);
      assert.deepEqual(replayed, { ...first, duplicate: true }, 'the original receipt, from the database');
    } finally {
      await again.close();
    }
  } finally {
    dir.remove();
    await db.remove();
  }
});
