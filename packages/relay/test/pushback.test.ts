/**
 * Pushback (issue 3): bounded queues answer 503 with Retry-After; a WebSocket that floods is
 * closed with a clear reason; a slow subscriber never slows the others and catches up later;
 * rate limits answer 429; a graceful shutdown loses nothing it acknowledged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeRecord, channelTag, RecordKind } from '@hotline/protocol';
import { startRelay, silentLogger } from '../src/index.js';
import { RelayClient, RelayRequestError, type Receipt } from '../src/client/index.js';
import { Sequencer } from '../src/sequencer.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { enrol, envelope, eventually, openChannel, ROOTS, tempDir, withRelay } from './fixtures.js';

test('the sequencer refuses work beyond its bound with 503 and Retry-After, and loses none it took', async () => {
  const dir = tempDir();
  const store = new SqliteStore(`${dir.path}/relay.db`);
  try {
    const sequencer = new Sequencer(async (items, at) => store.appendBatch(items, at), { maxPending: 5, maxBatch: 100, onCommitted: () => undefined });
    const item = () => ({ kind: RecordKind.envelope, streamTag: channelTag(new Uint8Array(16)), itemHash: new Uint8Array(randomBytes(32)), aux: new Uint8Array(32), body: new Uint8Array([1]) });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => sequencer.submit(item())));
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(accepted.length, 5);
    assert.equal(refused.length, 15);
    for (const r of refused) {
      assert.equal(r.reason.status, 503);
      assert.equal(r.reason.code, 'overloaded');
      assert.ok(r.reason.retryAfter >= 1);
    }
    assert.equal(store.logSize(), 5);
  } finally {
    store.close();
    dir.remove();
  }
});

test('a device over its rate limit gets 429 with Retry-After, and nothing is stored', async () => {
  await withRelay(
    async (relay) => {
      const alice = await enrol(relay, 'washington', 'Alice');
      const channel = await openChannel(alice, []);
      for (let i = 0; i < 3; i++) await alice.client.submit(channel, envelope(channel, `m${i}`));
      const size = relay.log.size;
      const response = await alice.client.request('POST', `/v1/channels/${Buffer.from(channel).toString('hex')}/envelopes`, envelope(channel, 'one too many')).catch((e: RelayRequestError) => e);
      assert.ok(response instanceof RelayRequestError);
      assert.equal(response.status, 429);
      assert.equal(response.code, 'rate_limited');
      assert.equal(relay.log.size, size);
      const raw = await fetch(`${relay.url}/v1/channels/${Buffer.from(channel).toString('hex')}/envelopes`, { method: 'POST', headers: { authorization: `Bearer ${alice.client.token}` }, body: envelope(channel, 'again') });
      assert.equal(raw.status, 429);
      assert.ok(Number(raw.headers.get('retry-after')) >= 1);
    },
    { limits: { ratePerSecond: 0.01, burst: 3 } },
  );
});

test('a WebSocket with too many submissions in flight is closed with a reason', async () => {
  await withRelay(
    async (relay) => {
      const alice = await enrol(relay, 'washington', 'Alice');
      const channel = await openChannel(alice, []);
      const socket = await alice.client.connect();
      const attempts = Array.from({ length: 64 }, (_, i) => socket.submit(envelope(channel, `flood ${i}`)).catch(() => undefined));
      await Promise.all(attempts);
      await eventually(() => socket.closed, 2000, 'close');
      assert.equal(socket.closed?.code, 1008);
      assert.match(socket.closed?.reason ?? '', /in flight/);
    },
    { limits: { maxInFlightPerSocket: 8 } },
  );
});

test('a slow subscriber neither slows the others nor misses anything', { timeout: 60_000 }, async () => {
  await withRelay(
    async (relay) => {
      const alice = await enrol(relay, 'washington', 'Alice');
      const fast = await enrol(relay, 'moscow', 'Fast');
      const slow = await enrol(relay, 'moscow', 'Slow');
      const channel = await openChannel(alice, [fast, slow]);
      const fastSocket = await fast.client.connect();
      const slowSocket = await slow.client.connect();
      const fastSeqs: number[] = [];
      const slowSeqs: number[] = [];
      const seqOf = (record: Uint8Array) => {
        const r = decodeRecord(record);
        assert.ok(r.ok);
        return r.value.seq;
      };
      fastSocket.onDelivery = (f) => fastSeqs.push(seqOf(f.record));
      slowSocket.onDelivery = (f) => slowSeqs.push(seqOf(f.record));
      await fastSocket.subscribe(channel, 1);
      await slowSocket.subscribe(channel, 1);
      // The slow reader stops reading: its TCP window fills and the relay's buffer for it grows.
      (slowSocket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const sender = await alice.client.connect();
      const total = 400;
      for (let i = 0; i < total; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => sender.submit(envelope(channel, `m${i + j}`, 16 * 1024))));
      }
      await eventually(() => (fastSeqs.length === total ? true : undefined), 20_000, 'the fast subscriber to get everything');
      assert.deepEqual(fastSeqs, Array.from({ length: total }, (_, i) => i + 1));
      assert.ok(slowSeqs.length < total, 'the paused subscriber cannot have read everything');
      (slowSocket.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await eventually(() => (slowSeqs.length === total ? true : undefined), 20_000, 'the slow subscriber to catch up');
      assert.deepEqual(slowSeqs, Array.from({ length: total }, (_, i) => i + 1), 'in order, nothing missed, nothing twice');
    },
    { limits: { subscriberBufferBytes: 256 * 1024, ratePerSecond: 1_000_000, burst: 1_000_000 } },
  );
});

test('graceful shutdown commits what it acknowledged; a restart finds all of it', async () => {
  const dir = tempDir();
  try {
    const options = { dataDir: dir.path, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger, limits: { ratePerSecond: 1_000_000, burst: 1_000_000 } };
    const relay = await startRelay(options);
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await openChannel(alice, []);
    const socket = await alice.client.connect();
    const submissions = Array.from({ length: 300 }, (_, i) => socket.submit(envelope(channel, `m${i}`)).then((r) => r, () => undefined));
    await new Promise((r) => setTimeout(r, 5));
    await relay.close();
    const acked = (await Promise.all(submissions)).filter((r): r is Receipt => r !== undefined);
    assert.ok(acked.length > 0, 'receipts for drained commits reach the client before the socket closes');
    const again = await startRelay(options);
    try {
      const client = new RelayClient(again.url);
      await client.login(alice.signer);
      const stored = await client.envelopes(channel, 1, 1000);
      const bySeq = new Map(stored.map((d) => [decodeRecord(d.record).ok ? (decodeRecord(d.record) as { value: { seq: number } }).value.seq : 0, d]));
      for (const r of acked) assert.equal(bySeq.get(r.seq)?.logIndex, r.logIndex);
      await eventually(() => (again.log.checkpoint?.size === again.log.size ? true : undefined), 2000, 'a checkpoint covering the whole log');
    } finally {
      await again.close();
    }
  } finally {
    dir.remove();
  }
});
