/**
 * The storage conformance suite: the contract of storage/interfaces.ts as tests, run by every
 * backend against a real database of its own (sqlite.test.ts; postgres.test.ts once that
 * backend exists). Concurrency is tested with two handles on one database — for SQLite two
 * connections and writer threads on one file, for a shared backend two pools — and
 * durability with a child process killed by SIGKILL mid-stream.
 *
 * On SQLite, sequencing races are real (each handle has its own writer thread), while the
 * channel, mailbox and checkpoint writes of two handles run on the one main thread and are
 * serialised by it: those racing tests hold there trivially, and bite on a backend whose
 * handles talk to a server concurrently. Each test has been seen to fail against a backend
 * with the guard removed (a cached log end, a checkpoint update without its size condition).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytesEqual } from '@hotline/log';
import { decodeRecord, genesisChain, nextChain, partyTag, RecordKind } from '@hotline/protocol';
import type { RelayStorage } from '../../src/storage/interfaces.js';
import { openStorage } from '../../src/storage/open.js';
import { isRefusal, type Placement, type Sequenced, type SequenceItem } from '../../src/storage/records.js';
import { hex, item, newChannel } from './items.js';

export interface StorageBackend {
  readonly name: string;
  /** A fresh, empty database's storage URL, and how to remove that database afterwards. */
  fresh(): Promise<{ readonly url: string; remove(): Promise<void> }>;
  /** Makes a closed database look as a relay from before the revocation index left it (drops the index). */
  predateRevocationIndex(url: string): Promise<void>;
}

/** Runs `fn` with `handles` storages opened on one fresh database; closes and removes them after. */
async function withStorage(backend: StorageBackend, handles: number, fn: (stores: RelayStorage[], url: string) => Promise<void>): Promise<void> {
  const db = await backend.fresh();
  const stores: RelayStorage[] = [];
  try {
    for (let i = 0; i < handles; i++) stores.push(await openStorage(db.url));
    await fn(stores, db.url);
  } finally {
    for (const s of stores) await s.close();
    await db.remove();
  }
}

function placed(p: Placement | undefined): Sequenced {
  assert.ok(p !== undefined && !isRefusal(p), `expected a placement, got ${JSON.stringify(p)}`);
  return p;
}

/** Every stream's items are seq 1..n with the chain recomputed from genesis, and records that say so. */
async function assertStreamIntact(storage: RelayStorage, tag: Uint8Array, items: ReadonlyMap<string, SequenceItem>): Promise<number> {
  const stored = await storage.log.readStream(tag, 1, 100_000);
  let chain = genesisChain(tag);
  stored.forEach((s, i) => {
    assert.equal(s.seq, i + 1, 'seqs are consecutive from 1');
    const record = decodeRecord(s.record);
    assert.ok(record.ok);
    chain = nextChain(chain, record.value.itemHash);
    assert.ok(bytesEqual(record.value.chainHash, chain), `chain hash at seq ${s.seq}`);
    assert.ok(bytesEqual(record.value.streamTag, tag));
    assert.equal(record.value.seq, s.seq);
    const original = items.get(hex(record.value.itemHash));
    if (original !== undefined) assert.ok(bytesEqual(s.body, original.body), 'the body is the one submitted');
  });
  assert.equal(await storage.log.lastSeq(tag), stored.length);
  return stored.length;
}

export function storageConformance(backend: StorageBackend): void {
  describe(`storage conformance: ${backend.name}`, () => {
    ordering(backend);
    durability(backend);
    epochs(backend);
    checkpoints(backend);
    mailboxes(backend);
    channelsAndDirectory(backend);
    revocations(backend);
  });
}

function ordering(backend: StorageBackend): void {
  test('ordering: consecutive seqs per stream and log indexes overall, chained hashes, records that say so', () =>
    withStorage(backend, 1, async ([s]) => {
      const [a, b] = [newChannel(), newChannel()];
      const items = new Map<string, SequenceItem>();
      const batches = [[item(a), item(b), item(a)], [item(b)], [item(a), item(a), item(b), item(b)]];
      const all: Sequenced[] = [];
      for (const batch of batches) {
        for (const i of batch) items.set(hex(i.itemHash), i);
        const out = await s!.sequencing.appendBatch(batch, 1_700_000_000_000 + all.length);
        assert.equal(out.length, batch.length);
        all.push(...out.map(placed));
      }
      assert.deepEqual(all.map((p) => p.logIndex), [...all.keys()], 'log indexes 0..n-1 in submission order');
      assert.equal(await s!.sequencing.logSize(), all.length);
      assert.equal(await assertStreamIntact(s!, a, items), 4);
      assert.equal(await assertStreamIntact(s!, b, items), 4);
      const records = await s!.log.readRecords(0, all.length);
      records.forEach((r, i) => assert.ok(bytesEqual(r, all[i]!.record), `record ${i} is the one promised`));
      assert.deepEqual((await s!.log.readRecords(2, 5)).map(hex), all.slice(2, 5).map((p) => hex(p.record)));
      assert.deepEqual((await s!.log.readStream(a, 2, 2)).map((x) => x.seq), [2, 3], 'fromSeq and limit');
      assert.equal(await s!.log.lastSeq(newChannel()), 0, 'an unknown stream is empty');
    }));

  test('ordering: a resubmitted item gets its original placement, within a batch and later, consuming nothing', () =>
    withStorage(backend, 1, async ([s]) => {
      const tag = newChannel();
      const first = item(tag);
      const [p1, again, other] = await s!.sequencing.appendBatch([first, first, item(tag)], 1000);
      assert.equal(placed(p1).duplicate, false);
      assert.deepEqual({ ...placed(again), duplicate: false }, placed(p1));
      assert.equal(placed(again).duplicate, true);
      assert.equal(placed(other).seq, 2, 'the in-batch duplicate consumed no seq');
      const [later] = await s!.sequencing.appendBatch([{ ...first, body: new Uint8Array([9]) }], 5000);
      assert.equal(placed(later).duplicate, true);
      assert.equal(placed(later).logIndex, placed(p1).logIndex);
      assert.equal(placed(later).receivedAt, 1000, 'the original receipt, time included');
      assert.equal(await s!.sequencing.logSize(), 2);
      assert.equal(await s!.log.lastSeq(tag), 2);
    }));

  test('ordering: concurrent batches from two handles never repeat or skip a seq or a log index', () =>
    withStorage(backend, 2, async (stores) => {
      const tags = [newChannel(), newChannel()];
      const items = new Map<string, SequenceItem>();
      const work = Array.from({ length: 24 }, (_, n) => {
        const batch = Array.from({ length: 1 + (n % 5) }, (_, k) => item(tags[(n + k) % 2]!));
        for (const i of batch) items.set(hex(i.itemHash), i);
        return stores[n % 2]!.sequencing.appendBatch(batch, Date.now());
      });
      const all = (await Promise.all(work)).flat().map(placed);
      assert.ok(all.every((p) => !p.duplicate));
      assert.deepEqual(all.map((p) => p.logIndex).sort((x, y) => x - y), [...all.keys()], 'each log index exactly once');
      const total = (await assertStreamIntact(stores[0]!, tags[0]!, items)) + (await assertStreamIntact(stores[1]!, tags[1]!, items));
      assert.equal(total, all.length);
      const records = await stores[1]!.log.readRecords(0, all.length);
      const byIndex = new Map(all.map((p) => [p.logIndex, hex(p.record)]));
      records.forEach((r, i) => assert.equal(hex(r), byIndex.get(i), `record ${i} is the one its batch was promised`));
    }));
}

function durability(backend: StorageBackend): void {
  test('durability: everything a batch was promised survives SIGKILL of the process mid-stream', { timeout: 60_000 }, async () => {
    const db = await backend.fresh();
    try {
      const tag = newChannel();
      const child = spawn(process.execPath, [fileURLToPath(new URL('./append-child.js', import.meta.url)), db.url, hex(tag)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      const acked: { logIndex: number; seq: number; itemHash: string; record: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        let buffer = '';
        let batches = 0;
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop()!; // an unfinished line was not yet promised
          for (const line of lines) acked.push(...(JSON.parse(line) as typeof acked));
          batches += lines.length;
          if (batches >= 40) {
            child.kill('SIGKILL'); // mid-stream: the next batch is in flight
            resolve();
          }
        });
        void exited.then(() => reject(new Error(`append child exited early:\n${stderr}`)));
      }).catch((error: unknown) => {
        if (child.exitCode === null && child.signalCode === null) throw error;
        if (acked.length === 0) throw error;
      });
      assert.equal(await exited, 'SIGKILL');
      const s = await openStorage(db.url);
      try {
        const size = await s.sequencing.logSize();
        assert.ok(size >= acked.length, `log size ${size} covers the ${acked.length} acknowledged items`);
        for (const a of acked) {
          const [record] = await s.log.readRecords(a.logIndex, a.logIndex + 1);
          assert.equal(hex(record!), a.record, `acknowledged record ${a.logIndex} is there, byte for byte`);
        }
        const stored = await assertStreamIntact(s, tag, new Map());
        assert.equal(stored, size, 'no gap: the stream holds every log entry');
        const [next] = await s.sequencing.appendBatch([item(tag)], Date.now());
        assert.equal(placed(next).seq, stored + 1, 'sequencing resumes right after the last durable item');
        assert.equal(placed(next).logIndex, size);
      } finally {
        await s.close();
      }
    } finally {
      await db.remove();
    }
  });
}

function epochs(backend: StorageBackend): void {
  test('one commit per epoch: the first claims it; later handshakes of it are refused and store nothing; the same commit keeps its receipt', () =>
    withStorage(backend, 1, async ([s], url) => {
      const tag = newChannel();
      const commit0 = item(tag, { epoch: 0, commit: true });
      const [a, b, a2, c] = await s!.sequencing.appendBatch([commit0, item(tag, { epoch: 0, commit: true }), commit0, item(tag, { epoch: 1, commit: true })], 1);
      assert.equal(placed(a).seq, 1);
      assert.deepEqual(b, { refused: 'epoch_committed', epoch: 0, committedSeq: 1, streamEpoch: 1 });
      assert.equal(placed(a2).duplicate, true);
      assert.equal(placed(c).seq, 2, 'the refusal consumed no seq');
      const [proposal, app] = await s!.sequencing.appendBatch([item(tag, { epoch: 1, commit: false }), item(tag)], 2);
      assert.deepEqual(proposal, { refused: 'epoch_committed', epoch: 1, committedSeq: 2, streamEpoch: 2 }, 'a proposal for a committed epoch too');
      assert.equal(placed(app).seq, 3, 'application traffic is not handshake-checked');
      const [other] = await s!.sequencing.appendBatch([item(newChannel(), { epoch: 0, commit: true })], 3);
      assert.equal(placed(other).seq, 1, 'epochs are per stream');
      await s!.close();
      const reopened = await openStorage(url);
      try {
        const [late, same] = await reopened.sequencing.appendBatch([item(tag, { epoch: 0, commit: true }), commit0], 4);
        assert.deepEqual(late, { refused: 'epoch_committed', epoch: 0, committedSeq: 1, streamEpoch: 2 }, 'the claim is durable');
        assert.equal(placed(same).logIndex, placed(a).logIndex);
        assert.equal(await reopened.sequencing.logSize(), 4);
      } finally {
        await reopened.close();
      }
    }));

  test('one commit per epoch: commits racing from two handles — exactly one is sequenced each epoch', () =>
    withStorage(backend, 2, async (stores) => {
      const tag = newChannel();
      for (let epoch = 0; epoch < 8; epoch++) {
        const results = await Promise.all(stores.map((s) => s.sequencing.appendBatch([item(tag, { epoch, commit: true })], Date.now())));
        const outcomes = results.map(([p]) => p!);
        const winners = outcomes.filter((p) => !isRefusal(p));
        assert.equal(winners.length, 1, `epoch ${epoch}: one winner`);
        const loser = outcomes.find(isRefusal);
        assert.deepEqual(loser, { refused: 'epoch_committed', epoch, committedSeq: placed(winners[0]).seq, streamEpoch: epoch + 1 });
      }
      assert.equal(await stores[0]!.log.lastSeq(tag), 8);
    }));
}

const tile = (width: number) => ({ level: 0, index: 0, width, hashes: new Uint8Array(randomBytes(32 * width)) });

function checkpoints(backend: StorageBackend): void {
  test('compare-and-swap: of two integrators racing from no checkpoint exactly one stores, and only its tiles are kept', () =>
    withStorage(backend, 2, async (stores) => {
      for (let round = 0; round < 6; round++) {
        const expected = (await stores[0]!.tree.checkpoint())?.size;
        const size = 2 + round;
        const tiles = stores.map(() => tile(size));
        const notes = stores.map((_, i) => `note ${round} from ${i}\n`);
        const won = await Promise.all(stores.map((s, i) => s.tree.integrate([tiles[i]!], size, expected, notes[i]!)));
        assert.equal(won.filter(Boolean).length, 1, `round ${round}: exactly one integrator stored`);
        const w = won.indexOf(true);
        for (const s of stores) {
          assert.deepEqual(await s.tree.checkpoint(), { size, note: notes[w] }, 'the winner\'s checkpoint');
          assert.equal(hex((await s.tree.getTile(0, 0))!.hashes), hex(tiles[w]!.hashes), 'the winner\'s tile, not the loser\'s');
          assert.equal(await s.tree.integratedSize(), size);
        }
      }
    }));

  test('compare-and-swap: a stale expected size stores nothing; a narrower tile never replaces a wider one', () =>
    withStorage(backend, 1, async ([s]) => {
      assert.equal(await s!.tree.integratedSize(), 0);
      assert.equal(await s!.tree.checkpoint(), undefined);
      assert.equal(await s!.tree.integrate([tile(4)], 4, 3, 'wrong\n'), false, 'no checkpoint is not size 3');
      assert.equal(await s!.tree.checkpoint(), undefined);
      assert.equal(await s!.tree.getTile(0, 0), undefined, 'nothing of the refused write was stored');
      const wide = tile(4);
      assert.equal(await s!.tree.integrate([wide, { level: 1, index: 0, width: 1, hashes: new Uint8Array(32).fill(7) }], 4, undefined, 'four\n'), true);
      assert.equal(await s!.tree.integrate([tile(5)], 5, undefined, 'again from none\n'), false);
      assert.equal(await s!.tree.integrate([tile(5)], 5, 2, 'stale\n'), false);
      assert.deepEqual(await s!.tree.checkpoint(), { size: 4, note: 'four\n' });
      assert.equal(await s!.tree.integrate([tile(3)], 5, 4, 'five\n'), true);
      const kept = await s!.tree.getTile(0, 0);
      assert.equal(kept!.width, 4);
      assert.equal(hex(kept!.hashes), hex(wide.hashes), 'the wider tile stays');
      assert.equal(hex((await s!.tree.getTile(1, 0))!.hashes), hex(new Uint8Array(32).fill(7)));
      assert.equal(await s!.tree.getTile(2, 0), undefined);
      assert.equal(await s!.tree.integratedSize(), 5);
    }));
}

const KEYPACKAGE = 2;
const WELCOME = 1;

function mailboxes(backend: StorageBackend): void {
  test('mailboxes: oldest first, filtered by kind, deleted only by the recipient, bounded per recipient', () =>
    withStorage(backend, 1, async ([s]) => {
      const [alice, bob, sender] = [randomBytes(32), randomBytes(32), randomBytes(32)].map((b) => new Uint8Array(b));
      const ids: number[] = [];
      for (const [kind, text] of [[WELCOME, 'w1'], [KEYPACKAGE, 'k1'], [WELCOME, 'w2']] as const) {
        ids.push((await s!.mailboxes.putMail(alice!, kind, sender!, new TextEncoder().encode(text), 100 + ids.length, 3))!);
      }
      assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, 'ids increase');
      const all = await s!.mailboxes.listMail(alice!, undefined, 10);
      assert.deepEqual(all.map((m) => new TextDecoder().decode(m.body)), ['w1', 'k1', 'w2']);
      assert.deepEqual(all[0], { id: ids[0], kind: WELCOME, sender: sender, body: new TextEncoder().encode('w1'), createdAt: 100 });
      assert.deepEqual((await s!.mailboxes.listMail(alice!, WELCOME, 10)).map((m) => m.id), [ids[0], ids[2]]);
      assert.deepEqual((await s!.mailboxes.listMail(alice!, undefined, 2)).map((m) => m.id), ids.slice(0, 2));
      assert.equal(await s!.mailboxes.putMail(alice!, WELCOME, sender!, new Uint8Array([1]), 1, 3), undefined, 'full at 3');
      assert.equal(await s!.mailboxes.deleteMail(bob!, ids[0]!), false, 'not bob\'s to delete');
      assert.equal(await s!.mailboxes.deleteMail(alice!, ids[0]!), true);
      assert.equal(await s!.mailboxes.deleteMail(alice!, ids[0]!), false, 'once');
      assert.deepEqual(await s!.mailboxes.listMail(bob!, undefined, 10), []);
      const taken = await s!.mailboxes.takeMail(alice!, KEYPACKAGE);
      assert.equal(taken?.id, ids[1]);
      assert.equal(await s!.mailboxes.takeMail(alice!, KEYPACKAGE), undefined, 'a key package is taken once');
    }));

  test('mailboxes: racing takes hand each item to one taker; racing puts keep the bound', () =>
    withStorage(backend, 2, async (stores) => {
      const device = new Uint8Array(randomBytes(32));
      for (let i = 0; i < 3; i++) await stores[i % 2]!.mailboxes.putMail(device, KEYPACKAGE, device, new Uint8Array([i]), i, 100);
      const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.mailboxes.takeMail(device, KEYPACKAGE)));
      const got = taken.filter((m) => m !== undefined);
      assert.equal(got.length, 3, 'three items, three takers');
      assert.equal(new Set(got.map((m) => m.id)).size, 3, 'no item taken twice');
      const other = new Uint8Array(randomBytes(32));
      const puts = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]!.mailboxes.putMail(other, WELCOME, device, new Uint8Array([i]), i, 5)));
      assert.equal(puts.filter((id) => id !== undefined).length, 5, 'the bound holds under racing puts');
      assert.equal((await stores[0]!.mailboxes.listMail(other, undefined, 100)).length, 5);
    }));
}

function channelsAndDirectory(backend: StorageBackend): void {
  test('channels: an access list is replaced only by a newer version; of racing puts of one version one wins', () =>
    withStorage(backend, 2, async (stores) => {
      const id = new Uint8Array(randomBytes(16));
      const creator = new Uint8Array(randomBytes(32));
      const member = () => new Uint8Array(randomBytes(32));
      const row = (version: number, members: Uint8Array[]) => ({ id, creator, version, membership: new Uint8Array(randomBytes(20)), members });
      const v1 = row(1, [creator, member()]);
      assert.equal(await stores[0]!.channels.putChannel(v1), true);
      assert.equal(await stores[1]!.channels.putChannel(row(1, [creator])), false, 'same version');
      const stored = await stores[1]!.channels.channel(id);
      assert.equal(hex(stored!.membership), hex(v1.membership));
      assert.deepEqual(stored!.members.map(hex).sort(), v1.members.map(hex).sort());
      const racers = stores.map(() => row(2, [creator, member(), member()]));
      const won = await Promise.all(stores.map((s, i) => s.channels.putChannel(racers[i]!)));
      assert.equal(won.filter(Boolean).length, 1, 'one of two racing version-2 puts');
      const winner = racers[won.indexOf(true)]!;
      assert.deepEqual((await stores[0]!.channels.channel(id))!.members.map(hex).sort(), winner.members.map(hex).sort(), 'the winner\'s members, not a mix');
      assert.equal(await stores[0]!.channels.putChannel(row(1, [])), false, 'an older version never comes back');
      const listed = [];
      for await (const m of stores[1]!.channels.memberships()) listed.push(m);
      assert.deepEqual(listed.map((m) => ({ id: hex(m.id), version: m.version, members: m.members.map(hex).sort() })), [{ id: hex(id), version: 2, members: winner.members.map(hex).sort() }]);
      assert.equal(await stores[0]!.channels.channel(new Uint8Array(16)), undefined);
    }));

  test('directory: rows come only from sequenced certificates and revocations; first registration wins, the earliest revocation wins', () =>
    withStorage(backend, 1, async ([s]) => {
      const key = new Uint8Array(randomBytes(32));
      const tag = partyTag('washington');
      const cert = (member: string): SequenceItem => ({
        kind: RecordKind.certificate,
        streamTag: tag,
        itemHash: new Uint8Array(randomBytes(32)),
        aux: key,
        body: new TextEncoder().encode(member),
        directory: { key, party: 'washington', member, roles: 3, notBefore: 10, notAfter: 20, certificate: new TextEncoder().encode(member) },
      });
      const revoke = (at: number): SequenceItem => ({ kind: RecordKind.revocation, streamTag: tag, itemHash: new Uint8Array(randomBytes(32)), aux: key, body: new Uint8Array([at]), directory: { revokeKey: key, revokedAt: at } });
      assert.equal(await s!.directory.device(key), undefined);
      await s!.sequencing.appendBatch([cert('first'), cert('second')], 1);
      assert.deepEqual(await s!.directory.device(key), { key, party: 'washington', member: 'first', roles: 3, notBefore: 10, notAfter: 20, certificate: new TextEncoder().encode('first') });
      await s!.sequencing.appendBatch([revoke(15)], 2);
      await s!.sequencing.appendBatch([revoke(18)], 3);
      assert.equal((await s!.directory.device(key))!.revokedAt, 15, 'a later date does not postpone a revocation');
      await s!.sequencing.appendBatch([revoke(12)], 4);
      assert.equal((await s!.directory.device(key))!.revokedAt, 12, 'an earlier one brings it forward');
      const all = [];
      for await (const d of s!.directory.devices()) all.push(d);
      assert.equal(all.length, 1);
      assert.equal(all[0]!.member, 'first');
      assert.equal(await s!.log.lastSeq(tag), 5, 'every certificate and revocation is in its party\'s stream');
    }));
}

function revocations(backend: StorageBackend): void {
  const tag = partyTag('washington');
  const key = new Uint8Array(randomBytes(32));
  const revocation = (): SequenceItem => ({ kind: RecordKind.revocation, streamTag: tag, itemHash: new Uint8Array(randomBytes(32)), aux: key, body: new Uint8Array(randomBytes(120)), directory: { revokeKey: key, revokedAt: 5 } });
  const certificate = (): SequenceItem => ({
    kind: RecordKind.certificate,
    streamTag: tag,
    itemHash: new Uint8Array(randomBytes(32)),
    aux: key,
    body: new Uint8Array(randomBytes(100)),
    directory: { key, party: 'washington', member: 'm', roles: 1, notBefore: 1, notAfter: 9, certificate: new Uint8Array(3) },
  });

  test('revocations: read back by item hash from every handle; an envelope, a certificate or an unknown hash answers nothing', () =>
    withStorage(backend, 2, async (stores) => {
      const [cert, first, second, envelope] = [certificate(), revocation(), revocation(), item(newChannel())];
      await stores[0]!.sequencing.appendBatch([cert, first, envelope], 1);
      await stores[1]!.sequencing.appendBatch([second], 2);
      for (const s of stores) {
        assert.deepEqual(await s.directory.revocation(first.itemHash), first.body);
        assert.deepEqual(await s.directory.revocation(second.itemHash), second.body);
        // Envelope bodies are for channel members only: the revocation read must never serve one.
        assert.equal(await s.directory.revocation(envelope.itemHash), undefined);
        assert.equal(await s.directory.revocation(cert.itemHash), undefined);
        assert.equal(await s.directory.revocation(new Uint8Array(32)), undefined);
      }
      // A resubmitted revocation keeps its one row and its bytes.
      assert.equal(placed((await stores[0]!.sequencing.appendBatch([first], 3))[0]).duplicate, true);
      assert.deepEqual(await stores[1]!.directory.revocation(first.itemHash), first.body);
    }));

  test('revocations: a database written before the revocation index serves the revocations it already held', async () => {
    const db = await backend.fresh();
    try {
      const old = revocation();
      const before = await openStorage(db.url);
      try {
        await before.sequencing.appendBatch([certificate(), old], 1);
      } finally {
        await before.close();
      }
      await backend.predateRevocationIndex(db.url);
      const after = await openStorage(db.url);
      try {
        assert.deepEqual(await after.directory.revocation(old.itemHash), old.body);
        const fresh = revocation();
        await after.sequencing.appendBatch([fresh], 2);
        assert.deepEqual(await after.directory.revocation(fresh.itemHash), fresh.body);
      } finally {
        await after.close();
      }
    } finally {
      await db.remove();
    }
  });
}
