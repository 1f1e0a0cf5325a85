/**
 * A relay whose log lost records its own checkpoint signed must not start: it would hand the
 * same log indexes to new records, forking the tree it vouched for. Real relay, real SQLite;
 * the rows are deleted behind the stopped relay's back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RelayStartError, silentLogger, startRelay } from '../src/index.js';
import { enrol, envelope, eventually, openChannel, ROOTS, tempDir } from './fixtures.js';

test('a log truncated below its own signed checkpoint: startRelay refuses, naming both sizes, and changes nothing', async () => {
  const dir = tempDir();
  const options = { dataDir: dir.path, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger };
  try {
    const relay = await startRelay(options);
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await openChannel(alice, []);
    for (let i = 0; i < 8; i++) await alice.client.submit(channel, envelope(channel, `before the restore ${i}`));
    const covered = await eventually(() => {
      const size = relay.log.checkpoint?.size ?? 0;
      return size === relay.log.size ? size : undefined;
    }, 5000, 'a checkpoint covering every envelope');
    assert.equal(covered, 9, 'one certificate and eight envelopes');
    await relay.close();

    const db = new Database(join(dir.path, 'relay.db'));
    db.prepare('DELETE FROM log WHERE idx >= 5').run();
    db.close();

    const attempt = startRelay(options);
    void attempt.then((started) => started.close(), () => undefined); // should it start, stop it
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof RelayStartError, String(error));
      assert.equal(error.code, 'log_truncated');
      assert.deepEqual(error.sizes, { logSize: 5, checkpointSize: 9 });
      assert.equal(error.message, 'the log holds 5 records but its own signed checkpoint covers 9: the database was truncated or restored from an older copy; refusing to start');
      return true;
    });
    const after = new Database(join(dir.path, 'relay.db'), { readonly: true });
    try {
      assert.equal((after.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n, 5, 'the refused start wrote no log rows');
      assert.equal((after.prepare('SELECT size FROM checkpoint').get() as { size: number }).size, 9, 'nor a new checkpoint');
    } finally {
      after.close();
    }
  } finally {
    dir.remove();
  }
});

test('a log exactly at its checkpoint starts: the refusal is no false alarm', async () => {
  const dir = tempDir();
  const options = { dataDir: dir.path, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger };
  try {
    const relay = await startRelay(options);
    await enrol(relay, 'washington', 'Alice');
    await relay.close();
    const restarted = await startRelay(options);
    assert.equal(restarted.log.size, 1);
    await restarted.close();
  } finally {
    dir.remove();
  }
});
