/**
 * One MLS commit per epoch (DESIGN.md §5, protocol.md §5.1), against real relays and real
 * SQLite: a replayed commit is refused with 409 epoch_committed over HTTP and WebSocket, also
 * when rivals share a group-commit batch and after a restart or an upgrade from schema 2; an
 * unreadable handshake is refused with 400; nothing refused is stored; a resubmission of the
 * very same envelope keeps its original receipt. The commits are real ts-mls output
 * (packages/protocol/test/vectors/mls-framing.json), readdressed to each test's channel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { fromHex } from '@hotline/log';
import { channelTag, encodeEnvelope, envelopeHash, EnvelopeKind, RecordKind, signMembership } from '@hotline/protocol';
import { RelayClient, RelayErrorCode, RelayRequestError } from '../src/client/index.js';
import { silentLogger, startRelay, type RunningRelay } from '../src/index.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { isRefusal, type SequenceItem } from '../src/storage/records.js';
import { enrol, ROOTS, tempDir, withRelay, type TestDevice } from './fixtures.js';

const vectorsFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'protocol', 'test', 'vectors', 'mls-framing.json');
const vectors = (JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: { name: string; message: string; epoch?: number; contentType?: number; wireFormat?: number }[] }).vectors;

/** A ts-mls message of the given epoch and content type (3 commit, 2 proposal, 1 application). */
function mls(epoch: number, contentType: number): Uint8Array {
  const v = vectors.find((x) => x.epoch === epoch && x.contentType === contentType);
  if (v === undefined) throw new Error(`no vector for epoch ${epoch}, content type ${contentType}`);
  return fromHex(v.message)!;
}

/** The message readdressed to `channelId`: every vector's group id is 16 bytes at offset 5. */
function forChannel(message: Uint8Array, channelId: Uint8Array): Uint8Array {
  const copy = message.slice();
  assert.equal(copy[4], 16, 'vector group id is 16 bytes');
  copy.set(channelId, 5);
  return copy;
}

/** A handshake envelope; `variant` changes the commitment byte so the envelope hash differs. */
function handshake(channelId: Uint8Array, message: Uint8Array, variant = 0): Uint8Array {
  return encodeEnvelope({ kind: EnvelopeKind.handshake, channelId, commitment: new Uint8Array(32).fill(variant), payload: forChannel(message, channelId) });
}

async function channelOf(creator: TestDevice): Promise<Uint8Array> {
  const channelId = new Uint8Array(randomBytes(16));
  await creator.client.putMembership(channelId, signMembership({ channelId, version: 1, members: [] }, creator.signer).bytes);
  return channelId;
}

function assertCode(error: unknown, status: number, code: string, message?: RegExp): true {
  assert.ok(error instanceof RelayRequestError, String(error));
  assert.equal(error.status, status, error.message);
  assert.equal(error.code, code, error.message);
  if (message !== undefined) assert.match(error.message, message);
  return true;
}

/** Log size and the channel's last seq: what a refusal must leave untouched. */
async function state(relay: RunningRelay, channelId: Uint8Array): Promise<{ logSize: number; lastSeq: number }> {
  return { logSize: relay.log.size, lastSeq: await relay.storage.log.lastSeq(channelTag(channelId)) };
}

test('HTTP: a replayed opening commit is refused with 409 epoch_committed naming the epoch; the same envelope keeps its receipt', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await channelOf(alice);
    const opening = handshake(channel, mls(0, 3));
    const first = await alice.client.submit(channel, opening);
    assert.equal(first.seq, 1);

    const again = await alice.client.submit(channel, opening);
    assert.deepEqual({ ...again, duplicate: false }, first, 'the same envelope gets its original receipt');
    assert.equal(again.duplicate, true);

    const before = await state(relay, channel);
    const replay = handshake(channel, mls(0, 3), 1); // another envelope around the same commit
    await assert.rejects(alice.client.submit(channel, replay), (e) => assertCode(e, 409, RelayErrorCode.epochCommitted, /epoch 0 of this channel already has a commit \(seq 1\); the channel is at epoch 1/));
    assert.deepEqual(await state(relay, channel), before, 'the refusal stored nothing');

    // The next epoch is open; once it is committed, both epochs refuse, and the channel is at 2.
    const next = await alice.client.submit(channel, handshake(channel, mls(1, 3)));
    assert.equal(next.seq, 2);
    const atTwo = await state(relay, channel);
    await assert.rejects(alice.client.submit(channel, handshake(channel, mls(0, 3), 3)), (e) => assertCode(e, 409, 'epoch_committed', /epoch 0 .*seq 1.*at epoch 2/));
    await assert.rejects(alice.client.submit(channel, handshake(channel, mls(1, 3), 3)), (e) => assertCode(e, 409, 'epoch_committed', /epoch 1 .*seq 2.*at epoch 2/));
    assert.deepEqual(await state(relay, channel), atTwo, 'refusals store nothing');
    assert.equal((await alice.client.envelopes(channel)).length, 2);
  });
});

test('a proposal does not claim its epoch, but one for a committed epoch is refused', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await channelOf(alice);
    const proposal = await alice.client.submit(channel, handshake(channel, mls(2, 2)));
    const commit = await alice.client.submit(channel, handshake(channel, epochCommit(2)));
    assert.deepEqual([proposal.seq, commit.seq], [1, 2], 'the proposal left epoch 2 open for a commit');
    const before = await state(relay, channel);
    await assert.rejects(alice.client.submit(channel, handshake(channel, mls(2, 2), 1)), (e) => assertCode(e, 409, 'epoch_committed', /epoch 2 .*at epoch 3/));
    assert.deepEqual(await state(relay, channel), before);
  });
});

/** A commit at any epoch: the epoch 1 public commit with its epoch field rewritten. */
function epochCommit(epoch: number): Uint8Array {
  const message = mls(1, 3).slice();
  new DataView(message.buffer).setBigUint64(4 + 1 + 16, BigInt(epoch));
  return message;
}

test('a handshake whose framing cannot be read, of another group, or carrying application data is refused with 400 and stores nothing', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await channelOf(alice);
    const before = await state(relay, channel);
    const bad = (payload: Uint8Array) => encodeEnvelope({ kind: EnvelopeKind.handshake, channelId: channel, commitment: new Uint8Array(32), payload });
    const welcome = fromHex(vectors.find((v) => v.wireFormat === undefined)!.message)!;
    await assert.rejects(alice.client.submit(channel, bad(welcome)), (e) => assertCode(e, 400, RelayErrorCode.malformedMlsFraming, /wire format 3/));
    await assert.rejects(alice.client.submit(channel, bad(mls(0, 3).subarray(0, 24))), (e) => assertCode(e, 400, 'malformed_mls_framing', /truncated in epoch/));
    await assert.rejects(alice.client.submit(channel, bad(new TextEncoder().encode('not mls at all'))), (e) => assertCode(e, 400, 'malformed_mls_framing'));
    const otherGroup = encodeEnvelope({ kind: EnvelopeKind.handshake, channelId: channel, commitment: new Uint8Array(32), payload: mls(0, 3) });
    await assert.rejects(alice.client.submit(channel, otherGroup), (e) => assertCode(e, 400, RelayErrorCode.groupMismatch));
    await assert.rejects(alice.client.submit(channel, handshake(channel, mls(2, 1))), (e) => assertCode(e, 400, RelayErrorCode.notAHandshake));
    assert.deepEqual(await state(relay, channel), before);
    // Application envelopes are opaque to this rule: no framing is read from them.
    const app = encodeEnvelope({ kind: EnvelopeKind.application, channelId: channel, commitment: new Uint8Array(32), payload: new TextEncoder().encode('opaque') });
    assert.equal((await alice.client.submit(channel, app)).seq, 1);
  });
});

test('WebSocket: the replay gets ERROR 409 epoch_committed; rival commits sent together: exactly one wins', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await channelOf(alice);
    const socket = await alice.client.connect();
    try {
      // Sent back to back on one socket, they arrive in one read and join one group commit.
      const rivals = Array.from({ length: 8 }, (_, i) => handshake(channel, mls(0, 3), i));
      const batchesBefore = await commitBatches(relay);
      const outcomes = await Promise.allSettled(rivals.map((r) => socket.submit(r)));
      assert.equal(await commitBatches(relay), batchesBefore + 1, 'the rivals shared one group commit');
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      assert.equal(won.length, 1, 'exactly one commit of epoch 0 is sequenced');
      assert.equal(won[0]!.status === 'fulfilled' && won[0]!.value.seq, 1);
      for (const o of outcomes) if (o.status === 'rejected') assertCode(o.reason, 409, 'epoch_committed', /epoch 0 .*seq 1.*at epoch 1/);
      const stored = await alice.client.envelopes(channel);
      assert.equal(stored.length, 1);
      const winner = rivals[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
      assert.deepEqual(Buffer.from(stored[0]!.envelope), Buffer.from(winner));
      // The winner resubmitted over the socket still gets its receipt.
      assert.equal((await socket.submit(winner)).duplicate, true);
    } finally {
      await socket.close();
    }
  });
});

async function commitBatches(relay: RunningRelay): Promise<number> {
  const metrics = await new RelayClient(relay.url).text('/metrics');
  return Number(/^hotline_commit_batches_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

test('storage: two commits of one epoch in the same batch: the first is sequenced, the second refused, the same one twice is a duplicate', () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir.path, 'relay.db'));
  try {
    const channel = new Uint8Array(randomBytes(16));
    const item = (variant: number, epoch: number, commit = true): SequenceItem => {
      const body = handshake(channel, mls(0, 3), variant);
      return { kind: RecordKind.envelope, streamTag: channelTag(channel), itemHash: envelopeHash(body), aux: new Uint8Array(32), body, handshake: { epoch, commit } };
    };
    const [a, b, a2, c] = store.appendBatch([item(1, 0), item(2, 0), item(1, 0), item(3, 1)], Date.now());
    assert.ok(a !== undefined && !isRefusal(a) && a.seq === 1 && !a.duplicate);
    assert.deepEqual(b, { refused: 'epoch_committed', epoch: 0, committedSeq: 1, streamEpoch: 1 });
    assert.ok(a2 !== undefined && !isRefusal(a2) && a2.duplicate && a2.logIndex === a.logIndex);
    assert.ok(c !== undefined && !isRefusal(c) && c.seq === 2, 'the refusal consumed no seq');
    assert.equal(store.logSize(), 2);
    const [late] = store.appendBatch([item(4, 1)], Date.now());
    assert.deepEqual(late, { refused: 'epoch_committed', epoch: 1, committedSeq: 2, streamEpoch: 2 });
  } finally {
    store.close();
    dir.remove();
  }
});

test('the rule survives a restart, and an upgrade from schema 2 claims the epochs already in the log', async () => {
  const dir = tempDir();
  const options = { dataDir: dir.path, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger };
  let relay: RunningRelay | undefined;
  try {
    relay = await startRelay(options);
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await channelOf(alice);
    await alice.client.submit(channel, handshake(channel, mls(0, 3)));
    await relay.close();

    /** Alice's client against the relay restarted on the same data directory. */
    const reconnect = async (): Promise<RelayClient> => {
      const restarted = await startRelay(options);
      relay = restarted;
      const client = new RelayClient(restarted.url);
      await client.login(alice.signer);
      return client;
    };
    let client = await reconnect();
    await assert.rejects(client.submit(channel, handshake(channel, mls(0, 3), 1)), (e) => assertCode(e, 409, 'epoch_committed'));
    await relay.close();

    // A relay database from before the rule: no epochs table, schema version 2.
    const db = new Database(join(dir.path, 'relay.db'));
    db.exec('DROP TABLE epochs');
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(Buffer.from('2'));
    db.close();
    client = await reconnect();
    await assert.rejects(client.submit(channel, handshake(channel, mls(0, 3), 2)), (e) => assertCode(e, 409, 'epoch_committed', /seq 1/));
    assert.equal((await client.submit(channel, handshake(channel, mls(1, 3)))).seq, 2, 'epoch 1 is still open');
  } finally {
    await relay?.close(); // idempotent: a relay already closed resolves at once
    dir.remove();
  }
});
