/** Regression tests for the independent security review: each attack named, each refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { toBase64, toHex } from '@hotline/log';
import { decodeRecord, signerFor, signLogin, signMembership } from '@hotline/protocol';
import { RelayClient, RelayRequestError } from '../src/client/index.js';
import { enrol, envelope, eventually, makeCertificate, openChannel, withRelay } from './fixtures.js';

test('a WebSocket cannot outlive its certificate: submissions after expiry are refused', async () => {
  let clock = Date.now();
  await withRelay(
    async (relay) => {
      const signer = signerFor(randomBytes(32));
      const now = Math.floor(clock / 1000);
      const client = new RelayClient(relay.url);
      await client.registerDevice(makeCertificate('washington', 'Short-lived', signer, { from: now - 60, until: now + 60 }).bytes);
      await client.login(signer);
      const channel = new Uint8Array(randomBytes(16));
      await client.putMembership(channel, signMembership({ channelId: channel, version: 1, members: [] }, signer).bytes);
      const socket = await client.connect();
      await socket.submit(envelope(channel, 'while valid'));
      clock += 120_000; // the certificate has expired; the socket is still open
      await assert.rejects(socket.submit(envelope(channel, 'after expiry')), (e: unknown) => e instanceof RelayRequestError && e.status === 401);
      await socket.close();
    },
    { now: () => clock },
  );
});

test('a member removed from a channel stops receiving its envelopes', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice', ['principal', 'admin']);
    const boris = await enrol(relay, 'moscow', 'Boris');
    const channel = await openChannel(alice, [boris]);
    const socket = await boris.client.connect();
    const seen: number[] = [];
    socket.onDelivery = (f) => {
      const r = decodeRecord(f.record);
      if (r.ok) seen.push(r.value.seq);
    };
    await socket.subscribe(channel, 1);
    await alice.client.submit(channel, envelope(channel, 'before removal'));
    await eventually(() => (seen.length === 1 ? true : undefined), 2000, 'the first delivery');
    await alice.client.putMembership(channel, signMembership({ channelId: channel, version: 2, members: [] }, alice.signer).bytes);
    for (let i = 0; i < 3; i++) await alice.client.submit(channel, envelope(channel, `after removal ${i}`));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen, [1], 'nothing after the removal');
    await socket.close();
  });
});

test('nobody can invalidate another device\'s pending login challenge', async () => {
  await withRelay(async (relay) => {
    const victim = await enrol(relay, 'washington', 'Victim');
    const deviceKey = toBase64(victim.signer.publicKey);
    const anyone = new RelayClient(relay.url);
    const mine = (await (await anyone.request('POST', '/v1/login/challenge', { deviceKey }, false)).json()) as { origin: string; challenge: string };
    // The attacker asks for its own challenge for the victim's key and answers it wrongly.
    const theirs = (await (await anyone.request('POST', '/v1/login/challenge', { deviceKey }, false)).json()) as { challenge: string };
    await assert.rejects(anyone.request('POST', '/v1/login', { deviceKey, challenge: theirs.challenge, signature: toBase64(new Uint8Array(64)) }, false));
    const signature = toBase64(signLogin(mine.origin, Buffer.from(mine.challenge, 'base64'), victim.signer));
    const session = await anyone.request('POST', '/v1/login', { deviceKey, challenge: mine.challenge, signature }, false);
    assert.equal(session.status, 200);
  });
});

test('two certificates for one device key at once: exactly one is registered', async () => {
  await withRelay(async (relay) => {
    const signer = signerFor(randomBytes(32));
    const client = new RelayClient(relay.url);
    const results = await Promise.allSettled([
      client.registerDevice(makeCertificate('washington', 'Twin', signer).bytes),
      client.registerDevice(makeCertificate('moscow', 'Twin', signer).bytes),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(refused?.reason.status, 409);
  });
});

test('an access-list update is taken from an admin member device only, the opener included (protocol.md §8)', async () => {
  await withRelay(async (relay) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const boris = await enrol(relay, 'moscow', 'Boris', ['principal', 'admin']);
    const olga = await enrol(relay, 'moscow', 'Olga', ['operator']);
    const outsider = await enrol(relay, 'moscow', 'Admin elsewhere', ['admin']);
    const channel = await openChannel(alice, [boris, olga]);
    const refusal = (e: unknown) => e instanceof RelayRequestError && e.status === 403 && e.code === 'not_authorised';
    const list = (version: number, signer: typeof alice, members: (typeof alice)[]) => signMembership({ channelId: channel, version, members: members.map((d) => d.signer.publicKey) }, signer.signer).bytes;

    await assert.rejects(olga.client.putMembership(channel, list(2, olga, [alice])), refusal, 'a member without the role');
    await assert.rejects(outsider.client.putMembership(channel, list(2, outsider, [alice, boris])), refusal, 'an admin device that is not on the list');
    await boris.client.putMembership(channel, list(2, boris, [alice])); // an admin member drops Olga
    await assert.rejects(olga.client.request('GET', `/v1/channels/${toHex(channel)}`), (e: unknown) => e instanceof RelayRequestError && e.status === 404, 'the relay no longer serves Olga');
    await assert.rejects(alice.client.putMembership(channel, list(3, alice, [boris, olga])), refusal, 'the opener, without the role');
    await boris.client.putMembership(channel, list(3, boris, [alice, olga])); // and back
  });
});
