/**
 * NATS is not up when the nodes start: they start anyway, say so once, poll PostgreSQL (an
 * envelope submitted on one still reaches a subscriber on the other) and connect when NATS
 * appears, after which announcements are heard. Two relays in this process, the test's own
 * nats-server on a port chosen for it.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelayClient } from '../../src/client/index.js';
import { jsonLogger, LOG_KEY_FILE, startRelay } from '../../src/index.js';
import { enrol, envelope, eventually, openChannel, ROOTS, tempDir } from '../fixtures.js';
import { freshPostgresDatabase, postgresUnavailable } from '../storage/postgres-databases.js';
import { clusterCounter } from './cluster-checks.js';
import { freePort, TestNats } from './cluster-harness.js';

const unavailable = await postgresUnavailable();

test('nodes started before NATS poll meanwhile, then connect and hear announcements', { skip: unavailable ?? false, timeout: 60_000 }, async () => {
  const db = await freshPostgresDatabase();
  const [dirA, dirB] = [tempDir(), tempDir()];
  const port = await freePort();
  const lines: string[] = [];
  const options = { store: db.url, nats: `nats://127.0.0.1:${port}`, partyRoots: ROOTS, checkpointIntervalMs: 20, logger: jsonLogger((line) => void lines.push(line)) };
  const a = await startRelay({ ...options, dataDir: dirA.path });
  copyFileSync(join(dirA.path, LOG_KEY_FILE), join(dirB.path, LOG_KEY_FILE));
  const b = await startRelay({ ...options, dataDir: dirB.path });
  let nats: TestNats | undefined;
  const natsState = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { cluster: { nats: string } }).cluster.nats;
  try {
    assert.deepEqual([await natsState(a.url), await natsState(b.url)], ['unreachable', 'unreachable']);
    const alice = await enrol(a, 'washington', 'Alice');
    const channel = await openChannel(alice, [alice]);
    const onB = new RelayClient(b.url);
    await eventually(() => onB.login(alice.signer).then(() => true, () => undefined), 5000, 'B to know Alice');
    const socket = await onB.connect();
    const delivered: number[] = [];
    socket.onDelivery = (d) => delivered.push(d.logIndex);
    await eventually(() => socket.subscribe(channel, 1).then(() => true, () => undefined), 5000, 'B to know the channel');
    const polled = await alice.client.submit(channel, envelope(channel, 'while NATS is down'));
    await eventually(() => (delivered.includes(polled.logIndex) ? true : undefined), 5000, 'delivery by polling');
    await new Promise((r) => setTimeout(r, 2500)); // several connection attempts
    const warnings = lines.filter((l) => l.includes('NATS unreachable'));
    assert.equal(warnings.length, 2, 'each node says once that it polls, not at every attempt');

    nats = await TestNats.start(port);
    await eventually(async () => ((await natsState(a.url)) === 'connected' && (await natsState(b.url)) === 'connected' ? true : undefined), 10_000, 'both nodes to connect');
    const announced = await alice.client.submit(channel, envelope(channel, 'with NATS'));
    await eventually(() => (delivered.includes(announced.logIndex) ? true : undefined), 5000, 'delivery after an announcement');
    assert.ok((await clusterCounter(b.url, 'direction="heard"')) > 0, 'B heard the announcement');
    assert.ok(lines.some((l) => l.includes('NATS connected')));
    await socket.close();
  } finally {
    await b.close();
    await a.close();
    await nats?.stop();
    dirA.remove();
    dirB.remove();
    await db.remove();
  }
});
