/** The storage conformance suite on the embedded backend: a fresh SQLite file per test. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStorage } from '../../src/storage/open.js';
import { storageConformance } from './conformance.js';

const pathOf = (url: string): string => url.slice('sqlite:'.length);

function withFile<T>(url: string, fn: (db: Database.Database) => T): T {
  const db = new Database(pathOf(url));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

storageConformance({
  name: 'sqlite',
  fresh: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-storage-'));
    return { url: `sqlite:${join(dir, 'relay.db')}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  predateRevocationIndex: async (url) => withFile(url, (db) => void db.exec('DROP INDEX log_revocation')),
});

test('sqlite: the revocation read is an index lookup (the partial index), not a scan of the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-storage-'));
  try {
    const url = `sqlite:${join(dir, 'relay.db')}`;
    await (await openStorage(url)).close();
    const plan = withFile(url, (db) => db.prepare("EXPLAIN QUERY PLAN SELECT body FROM log WHERE item_hash = ? AND substr(record, 2, 1) = X'03' LIMIT 1").all(Buffer.alloc(32)) as { detail: string }[]);
    assert.match(plan.map((p) => p.detail).join('; '), /USING INDEX log_revocation/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
