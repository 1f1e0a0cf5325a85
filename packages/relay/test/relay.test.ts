/**
 * The relay end to end, in process: registration, login, membership, envelopes over HTTP and
 * WebSocket, receipts that a client holding only packages/log can verify against /checkpoint
 * and the tiles, idempotency, fan-out with catch-up, and mailboxes.
 */
import { test } from 'node:test';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  bytesEqual,
  decodeEntryBundle,
  inclusionProof,
  leafHash,
  noteVerifier,
  parseVerifierKey,
  TileHashReader,
  tilePath,
  entriesPath,
  verifyCheckpoint,
  verifyInclusion,
  verifyTlogProof,
  parsePolicy,
  toHex,
} from '@hotline/log';
import { channelTag, decodeRecord, envelopeHash, issueRevocation, partyRootSigner, RecordKind, revocationHash } from '@hotline/protocol';
import { RelayClient, RelayRequestError } from '../src/client/index.js';
import { silentLogger, startRelay } from '../src/index.js';
import { enrol, envelope, eventually, MOSCOW, openChannel, ROOTS, tempDir, withRelay } from './fixtures.js';

async function expectError(promise: Promise<unknown>, status: number, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RelayRequestError, String(error));
    assert.equal(error.status, status, error.message);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('an envelope is sequenced, acknowledged, and provable from /checkpoint and the tiles alone', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris');
    const channel = await openChannel(alice, [boris]);
    const bytes = envelope(channel, 'hello');
    const receipt = await alice.client.submit(channel, bytes);
    assert.equal(receipt.seq, 1);
    assert.equal(receipt.duplicate, false);

    // A third party with the log's public key and nothing else.
    const anyone = new RelayClient(relay.url);
    const logKey = parseVerifierKey(relay.logVkey);
    assert.ok(logKey.ok);
    const note = await eventually(async () => {
      const text = await anyone.text('/checkpoint').catch(() => undefined);
      const v = text === undefined ? undefined : verifyCheckpoint(text, { logs: [noteVerifier(logKey.value)] });
      return v?.ok && v.value.checkpoint.size > receipt.logIndex ? v.value : undefined;
    }, 5000, 'a checkpoint covering the receipt');
    const size = note.checkpoint.size;
    const width = Math.min(256, size - Math.floor(receipt.logIndex / 256) * 256);
    const bundle = decodeEntryBundle(await anyone.bytes(`/${entriesPath(Math.floor(receipt.logIndex / 256), width)}`), width);
    assert.ok(bundle.ok);
    const recordBytes = bundle.value[receipt.logIndex % 256]!;
    const record = decodeRecord(recordBytes);
    assert.ok(record.ok);
    assert.equal(record.value.kind, RecordKind.envelope);
    assert.ok(bytesEqual(record.value.itemHash, envelopeHash(bytes)), 'the log record commits to the envelope');
    assert.ok(bytesEqual(record.value.streamTag, channelTag(channel)));
    assert.ok(bytesEqual(record.value.chainHash, receipt.chainHash));
    const reader = new TileHashReader(size, (l, n, w) => anyone.bytes(`/${tilePath(l, n, w)}`));
    const proof = await inclusionProof(receipt.logIndex, size, reader);
    assert.ok(proof.ok);
    assert.ok(verifyInclusion(leafHash(recordBytes), receipt.logIndex, size, proof.value, note.checkpoint.rootHash).ok);

    // The relay's own tlog-proof receipt verifies offline against a policy naming only its key.
    const policy = parsePolicy(`log ${relay.logVkey}\nquorum none\n`);
    assert.ok(policy.ok);
    const tlogProof = await anyone.text(`/v1/proof/${receipt.logIndex}`);
    assert.equal(verifyTlogProof(tlogProof, leafHash(recordBytes), policy.value).ok, true);
  });
});

test('resubmitting the same envelope returns the same receipt; seqs stay contiguous', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await openChannel(alice, []);
    const first = envelope(channel, 'one');
    const r1 = await alice.client.submit(channel, first);
    const again = await alice.client.submit(channel, first);
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, r1.seq);
    assert.equal(again.logIndex, r1.logIndex);
    assert.ok(bytesEqual(again.chainHash, r1.chainHash));
    const r2 = await alice.client.submit(channel, envelope(channel, 'two'));
    assert.equal(r2.seq, 2);
    const stored = await alice.client.envelopes(channel);
    assert.deepEqual(stored.map((d) => { const r = decodeRecord(d.record); return r.ok ? r.value.seq : -1; }), [1, 2]);
    assert.deepEqual(stored.map((d) => d.logIndex), [r1.logIndex, r2.logIndex]);
  });
});

test('only members of a channel may post or read it', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const eve = await enrol(relay, 'moscow', 'Eve');
    const channel = await openChannel(alice, []);
    await expectError(eve.client.submit(channel, envelope(channel, 'intrusion')), 403, 'not_a_member');
    await expectError(eve.client.envelopes(channel), 404, 'unknown_channel');
    const anonymous = new RelayClient(relay.url);
    await expectError(anonymous.submit(channel, envelope(channel, 'x')), 401, 'unauthorized');
    assert.equal(relay.log.size, 2, 'two certificates and nothing else were logged');
  });
});

test('WebSocket: submit, subscribe with catch-up, then live delivery in order', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris');
    const channel = await openChannel(alice, [boris]);
    const aliceSocket = await alice.client.connect();
    for (let i = 0; i < 5; i++) await aliceSocket.submit(envelope(channel, `early ${i}`));
    const borisSocket = await boris.client.connect();
    const seen: number[] = [];
    borisSocket.onDelivery = (frame) => {
      const record = decodeRecord(frame.record);
      assert.ok(record.ok);
      seen.push(record.value.seq);
    };
    assert.equal(await borisSocket.subscribe(channel, 2), 5);
    await Promise.all(Array.from({ length: 20 }, (_, i) => aliceSocket.submit(envelope(channel, `live ${i}`))));
    await eventually(() => (seen.length === 24 ? true : undefined), 5000, 'all deliveries');
    assert.deepEqual(seen, Array.from({ length: 24 }, (_, i) => i + 2));
    await aliceSocket.close();
    await borisSocket.close();
  });
});

test('a revoked device is logged out, disconnected and refused', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris');
    const channel = await openChannel(alice, [boris]);
    const socket = await boris.client.connect();
    const revocation = issueRevocation({ party: 'moscow', deviceKey: boris.signer.publicKey, time: Math.floor(Date.now() / 1000) - 1, reason: 'lost' }, partyRootSigner(MOSCOW));
    await new RelayClient(relay.url).revokeDevice(revocation.bytes);
    await eventually(() => socket.closed, 2000, 'the socket to close');
    assert.equal(socket.closed?.code, 4001);
    await expectError(boris.client.submit(channel, envelope(channel, 'after revocation')), 401, 'unauthorized');
    await expectError(boris.client.login(boris.signer), 401, 'unauthorized');
  });
});

test('a logged revocation is served by its item hash, to anyone; unknown hashes are 404, malformed ones 400', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris');
    const channel = await openChannel(alice, [boris]);
    const note = envelope(channel, 'not a revocation');
    await alice.client.submit(channel, note);
    const revocation = issueRevocation({ party: 'moscow', deviceKey: boris.signer.publicKey, time: Math.floor(Date.now() / 1000) - 1, reason: 'lost' }, partyRootSigner(MOSCOW));
    await new RelayClient(relay.url).revokeDevice(revocation.bytes);
    const hash = revocationHash(revocation);
    const anyone = new RelayClient(relay.url); // not logged in: the directory is public
    const response = await anyone.request('GET', `/v1/revocations/${toHex(hash)}`, undefined, false);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), revocation.bytes);
    await expectError(anyone.bytes(`/v1/revocations/${'0'.repeat(64)}`), 404, 'unknown_revocation');
    // An envelope's item hash is not a revocation: its body is for the channel's members only.
    await expectError(anyone.bytes(`/v1/revocations/${toHex(envelopeHash(note))}`), 404, 'unknown_revocation');
    for (const bad of ['abc', toHex(hash).toUpperCase(), toHex(hash) + '00', 'zz'.repeat(32)]) {
      await expectError(anyone.bytes(`/v1/revocations/${bad}`), 400, 'malformed_path');
    }
  });
});

test('mailboxes carry welcomes; key packages are claimed once', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris');
    const hex = Buffer.from(boris.signer.publicKey).toString('hex');
    await alice.client.request('POST', `/v1/mailbox/${hex}?kind=welcome`, new Uint8Array([1, 2, 3]));
    const mail = (await (await boris.client.request('GET', '/v1/mailbox')).json()) as { id: number; body: string }[];
    assert.equal(mail.length, 1);
    assert.equal(mail[0]!.body, Buffer.from([1, 2, 3]).toString('base64'));
    await boris.client.request('DELETE', `/v1/mailbox/${mail[0]!.id}`);
    assert.deepEqual(await (await boris.client.request('GET', '/v1/mailbox')).json(), []);
    await boris.client.request('POST', '/v1/keypackages', new Uint8Array([9, 9]));
    const claimed = new Uint8Array(await (await alice.client.request('POST', `/v1/keypackages/${hex}/claim`)).arrayBuffer());
    assert.deepEqual([...claimed], [9, 9]);
    await expectError(alice.client.request('POST', `/v1/keypackages/${hex}/claim`), 404, 'no_key_package');
  });
});

test('health, metrics and info describe the relay', async () => {
  await withRelay(async (relay) => {
    const anyone = new RelayClient(relay.url);
    const health = JSON.parse(await anyone.text('/healthz')) as { status: string };
    assert.equal(health.status, 'ok');
    const metrics = await anyone.text('/metrics');
    assert.match(metrics, /# TYPE hotline_log_size gauge/);
    assert.match(metrics, /# EOF\n$/);
    const info = JSON.parse(await anyone.text('/v1/info')) as { logKey: string; parties: string[] };
    assert.equal(info.logKey, relay.logVkey);
    assert.deepEqual(info.parties.sort(), ['moscow', 'washington']);
  });
});

test('the log key is created 0600, and a key file readable by others is refused', async () => {
  const dir = tempDir();
  try {
    const relay = await startRelay({ dataDir: dir.path, partyRoots: ROOTS, logger: silentLogger });
    await relay.close();
    const keyFile = join(dir.path, 'log.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    chmodSync(keyFile, 0o644);
    await assert.rejects(startRelay({ dataDir: dir.path, partyRoots: ROOTS, logger: silentLogger }), /readable by others/);
  } finally {
    dir.remove();
  }
});
