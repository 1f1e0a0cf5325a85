/**
 * Integration shared by several nodes: integrators of two connections pools (as two relay
 * processes) fold one PostgreSQL log, racing on the checkpoint's compare-and-swap. A loser
 * stores nothing and adopts the winner's tree; none stops; both end on the same checkpoint,
 * whose stored tiles are exactly those of the log's records. A checkpoint in the database not
 * signed by the log's key (another key, a second history) is never adopted: integration stops.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCheckpoint, generateSignerKey, leafHash, noteSigner, signNote, TileBuilder, type SignerKey } from '@hotline/log';
import { Integrator } from '../../src/integrator.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { RelayStorage } from '../../src/storage/interfaces.js';
import { freshPostgresDatabase, postgresUnavailable } from '../storage/postgres-databases.js';
import { eventually } from '../fixtures.js';
import { item, newChannel } from '../storage/items.js';

const unavailable = await postgresUnavailable();

/** An integrator on `storage`; `lost` counts its compare-and-swaps that another integrator won. */
async function integrator(storage: RelayStorage, key: SignerKey, errors: string[], signed: number[], lost = { count: 0 }): Promise<Integrator> {
  const tree = {
    ...storage.tree,
    integrate: async (...args: Parameters<RelayStorage['tree']['integrate']>) => {
      const stored = await storage.tree.integrate(...args);
      if (!stored) lost.count++;
      return stored;
    },
  };
  return Integrator.open({ log: storage.log, tree }, key, {
    shared: true,
    intervalMs: 1,
    logSize: await storage.sequencing.logSize(),
    onCheckpoint: (size) => signed.push(size),
    onError: (error) => errors.push(error.message),
  });
}

test('two integrators on one database race on the checkpoint: losers adopt, none stops, one tree', { skip: unavailable ?? false, timeout: 60_000 }, async () => {
  const db = await freshPostgresDatabase();
  const [one, two] = [await openPostgresStorage(db.url), await openPostgresStorage(db.url)];
  const key = generateSignerKey('relay.hotline.invalid/race');
  const errors: string[] = [];
  const signed: [number[], number[]] = [[], []];
  try {
    const lost = { count: 0 };
    const integrators = [await integrator(one, key, errors, signed[0], lost), await integrator(two, key, errors, signed[1], lost)];
    const channel = newChannel();
    const tree = one.tree;
    for (let round = 0; round < 30; round++) {
      const storage = round % 2 === 0 ? one : two;
      const placed = await storage.sequencing.appendBatch(Array.from({ length: 1 + (round % 7) * 40 }, () => item(channel)), Date.now());
      const size = Math.max(...placed.map((p) => ('logIndex' in p ? p.logIndex + 1 : 0)));
      for (const i of integrators) i.notify(size);
      await Promise.all(integrators.map((i) => i.integrate())); // both at once: one wins each swap
      const after = (await tree.checkpoint())!.size;
      assert.equal(after, size, `round ${round}: the stored checkpoint covers the log`);
      for (const i of integrators) await i.integrate(); // a loser catches up by adopting, not by signing again
      assert.deepEqual(integrators.map((i) => i.checkpoint!.size), [size, size], `round ${round}: both integrators on the stored tree`);
      assert.equal(integrators[0]!.checkpoint!.note, integrators[1]!.checkpoint!.note, 'the same note: one key, one tree');
    }
    assert.deepEqual(errors, [], 'no integrator stopped');
    assert.ok(signed[0].length > 0 && signed[1].length > 0, 'both signed or adopted checkpoints');
    assert.ok(lost.count > 0, `the integrators really raced (${lost.count} swaps lost)`);
    for (const i of integrators) i.stop();
    // The stored tiles are exactly the tiles of the log's records: nothing a loser computed overwrote them.
    const size = await one.sequencing.logSize();
    const records = await one.log.readRecords(0, size);
    const builder = TileBuilder.empty();
    const expected = [...builder.append(records.map(leafHash)), ...builder.partialTiles()];
    for (const tile of expected) {
      const stored = await one.tree.getTile(tile.level, tile.index);
      assert.ok(stored !== undefined && stored.width >= tile.width, `tile ${tile.level}/${tile.index} stored`);
      assert.deepEqual(stored.hashes.subarray(0, tile.width * 32), tile.hashes, `tile ${tile.level}/${tile.index} is the log's`);
    }
  } finally {
    await one.close();
    await two.close();
    await db.remove();
  }
});

test('a checkpoint in the database signed by another key is not adopted: integration stops, naming it', { skip: unavailable ?? false, timeout: 30_000 }, async () => {
  const db = await freshPostgresDatabase();
  const storage = await openPostgresStorage(db.url);
  const key = generateSignerKey('relay.hotline.invalid/forked');
  const errors: string[] = [];
  try {
    const mine = await integrator(storage, key, errors, []);
    await storage.sequencing.appendBatch([item(newChannel())], Date.now());
    mine.notify(1);
    await mine.integrate();
    assert.equal(mine.checkpoint?.size, 1);
    // Someone else, with a key of their own, swaps in a checkpoint of a larger tree.
    const other = generateSignerKey('relay.hotline.invalid/forked');
    await storage.sequencing.appendBatch([item(newChannel())], Date.now());
    const foreign = signNote(formatCheckpoint({ origin: other.name, size: 2, rootHash: new Uint8Array(32).fill(7), extensions: [] }), [noteSigner(other)]);
    assert.ok(await storage.tree.integrate([], 2, 1, foreign));
    mine.notify(2);
    await mine.integrate();
    assert.equal(mine.checkpoint?.size, 1, 'the foreign checkpoint was not adopted');
    assert.match(errors.join('\n'), /not a checkpoint of this log signed by its key; integration stopped/);
  } finally {
    await storage.close();
    await db.remove();
  }
});

test('a pass whose write failed is folded again from the stored tree: no checkpoint signs over tiles nobody stored', { skip: unavailable ?? false, timeout: 30_000 }, async () => {
  const db = await freshPostgresDatabase();
  const storage = await openPostgresStorage(db.url);
  const key = generateSignerKey('relay.hotline.invalid/rewind');
  const errors: string[] = [];
  try {
    let failNext = false;
    const tree = {
      ...storage.tree,
      integrate: async (...args: Parameters<RelayStorage['tree']['integrate']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('connection lost'); // as a PostgreSQL blip would: nothing stored
        }
        return storage.tree.integrate(...args);
      },
    };
    const integrator = await Integrator.open({ log: storage.log, tree }, key, { shared: true, intervalMs: 1, logSize: 0, onError: (e) => errors.push(e.message) });
    const channel = newChannel();
    await storage.sequencing.appendBatch(Array.from({ length: 300 }, () => item(channel)), Date.now()); // a full tile and more
    failNext = true;
    integrator.notify(300);
    await integrator.integrate();
    assert.deepEqual(errors, ['connection lost']);
    await storage.sequencing.appendBatch(Array.from({ length: 10 }, () => item(channel)), Date.now());
    integrator.notify(310);
    await eventually(async () => ((await storage.tree.checkpoint())?.size === 310 ? true : undefined), 5000, 'the retried pass to store 310');
    integrator.stop();
    await integrator.settle();
    const records = await storage.log.readRecords(0, 310);
    const builder = TileBuilder.empty();
    for (const tile of [...builder.append(records.map(leafHash)), ...builder.partialTiles()]) {
      const stored = await storage.tree.getTile(tile.level, tile.index);
      assert.ok(stored !== undefined && stored.width >= tile.width, `tile ${tile.level}/${tile.index} (width ${tile.width}) is stored`);
      assert.deepEqual(stored.hashes.subarray(0, tile.width * 32), tile.hashes);
    }
  } finally {
    await storage.close();
    await db.remove();
  }
});
