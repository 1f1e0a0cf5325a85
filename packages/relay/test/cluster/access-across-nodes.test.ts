/**
 * Two relays in this process over one PostgreSQL database, without NATS (so on the poll
 * alone): what one node commits to the directory or an access list, the other enforces
 * within a poll — a device registered on A logs in on B; a member removed on A is refused on B
 * and loses its subscription there; a device revoked on A has its connection on B closed and
 * can no longer log in there.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { issueRevocation, partyRootSigner, signMembership } from '@hotline/protocol';
import { RelayClient, RelayRequestError } from '../../src/client/index.js';
import { POLL_MS_UNANNOUNCED } from '../../src/cluster/follower.js';
import { LOG_KEY_FILE, silentLogger, startRelay } from '../../src/index.js';
import { enrol, envelope, eventually, MOSCOW, openChannel, ROOTS, tempDir } from '../fixtures.js';
import { freshPostgresDatabase, postgresUnavailable } from '../storage/postgres-databases.js';

const unavailable = await postgresUnavailable();

const refusedWith = (status: number, code: string) => (error: unknown) => error instanceof RelayRequestError && error.status === status && error.code === code;

test('directory and access-list changes committed on one node are enforced on another within a poll', { skip: unavailable ?? false, timeout: 60_000 }, async (t) => {
  const db = await freshPostgresDatabase();
  const [dirA, dirB] = [tempDir(), tempDir()];
  const options = { store: db.url, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: silentLogger };
  const a = await startRelay({ ...options, dataDir: dirA.path });
  copyFileSync(join(dirA.path, LOG_KEY_FILE), join(dirB.path, LOG_KEY_FILE));
  const b = await startRelay({ ...options, dataDir: dirB.path });
  try {
    assert.deepEqual(((await (await fetch(`${b.url}/healthz`)).json()) as { cluster?: unknown }).cluster, { nats: 'off' }, 'a shared store without NATS: polling');
    const alice = await enrol(a, 'washington', 'Alice', ['principal', 'admin']);
    const boris = await enrol(a, 'moscow', 'Boris');
    const borisOnB = new RelayClient(b.url);
    let since = performance.now();
    await eventually(() => borisOnB.login(boris.signer).then(() => true, () => undefined), 5000, 'B to know a device registered on A');
    const learnt = performance.now() - since;
    const channel = await openChannel(alice, [alice, boris]);
    const socket = await borisOnB.connect();
    const delivered: number[] = [];
    socket.onDelivery = (d) => delivered.push(d.logIndex);
    await eventually(() => socket.subscribe(channel, 1).then(() => true, () => undefined), 5000, 'B to know the channel opened on A');
    const first = await alice.client.submit(channel, envelope(channel, 'before the removal'));
    await eventually(() => (delivered.includes(first.logIndex) ? true : undefined), 5000, 'an envelope submitted on A to reach the subscriber on B');

    // Alice removes Boris on A (version 2).
    await alice.client.putMembership(channel, signMembership({ channelId: channel, version: 2, members: [alice.signer.publicKey] }, alice.signer).bytes);
    since = performance.now();
    await eventually(() => borisOnB.submit(channel, envelope(channel, 'after the removal')).then(() => undefined, (e: unknown) => (refusedWith(403, 'not_a_member')(e) ? true : undefined)), 5000, 'B to refuse a member removed on A');
    const removed = performance.now() - since;
    const second = await alice.client.submit(channel, envelope(channel, 'not for Boris'));
    await new Promise((r) => setTimeout(r, 3 * POLL_MS_UNANNOUNCED));
    assert.ok(!delivered.includes(second.logIndex), 'the removed member\'s subscription on B ended: nothing more of the channel reaches it');
    await assert.rejects(socket.subscribe(channel, 1), refusedWith(403, 'not_a_member'));

    // Boris's device is revoked on A: B ends his connection and refuses his logins.
    const revocation = issueRevocation({ party: 'moscow', deviceKey: boris.signer.publicKey, time: Math.floor(Date.now() / 1000) - 1, reason: 'lost' }, partyRootSigner(MOSCOW));
    await new RelayClient(a.url).revokeDevice(revocation.bytes);
    since = performance.now();
    await eventually(() => socket.closed, 5000, 'B to close the revoked device\'s socket');
    const revoked = performance.now() - since;
    assert.equal(socket.closed?.code, 4001);
    await assert.rejects(new RelayClient(b.url).login(boris.signer), refusedWith(401, 'unauthorized'));
    t.diagnostic(`B learnt of: a registration in ${Math.round(learnt)} ms, a removal in ${Math.round(removed)} ms, a revocation in ${Math.round(revoked)} ms (poll every ${POLL_MS_UNANNOUNCED} ms, no NATS)`);
    for (const elapsed of [learnt, removed, revoked]) assert.ok(elapsed < 10 * POLL_MS_UNANNOUNCED, `within a few polls, even on a loaded machine (${Math.round(elapsed)} ms)`);
  } finally {
    await b.close();
    await a.close();
    dirA.remove();
    dirB.remove();
    await db.remove();
  }
});
