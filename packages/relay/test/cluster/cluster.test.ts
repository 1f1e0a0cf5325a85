/**
 * Three relay nodes (real `hotline relay` processes) over one PostgreSQL database, with a NATS
 * server of the test's own and two witnesses. Envelopes from several devices go round-robin to
 * the three nodes, concurrently; subscribers on every node must receive every envelope of
 * their channels, whichever node took it. Then NATS is stopped mid-run: the nodes fall back to
 * polling PostgreSQL and still deliver everything. At the end the log is checked from its rows
 * (each acknowledged envelope exactly once, where its receipt says; seqs 1..n; chains) and
 * every checkpoint any node served, and each witness's, is one lineage, proven with
 * packages/log's consistency proofs; witnesses answered 409s (counted) but refused nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelTag } from '@hotline/protocol';
import { toHex } from '@hotline/log';
import { eventually } from '../fixtures.js';
import { postgresUnavailable } from '../storage/postgres-databases.js';
import { TestCluster } from './cluster-harness.js';
import { checkLineage, checkLog, CheckpointWatcher, witnessCheckpoints, clusterCounter, quorumSize, witnessAnswers } from './cluster-checks.js';
import { enrolDevices, openChannel, runLoad, Subscriber, type Ack } from './cluster-load.js';

const unavailable = await postgresUnavailable();

test('three nodes on one database: one log, no fork, every envelope delivered on every node — with NATS, then with NATS stopped', { skip: unavailable ?? false, timeout: 90_000 }, async (t) => {
  const started = performance.now();
  const cluster = await TestCluster.start({ nats: true });
  const urls = () => cluster.nodes.flatMap((n) => (n === undefined ? [] : [n.url]));
  const watcher = new CheckpointWatcher(urls);
  const subscribers: Subscriber[] = [];
  try {
    const devices = await enrolDevices(cluster, 4);
    const channels = [await openChannel(cluster, devices), await openChannel(cluster, devices)];
    for (let node = 0; node < 3; node++) {
      const subscriber = new Subscriber(cluster, devices[(node + 1) % devices.length]!, node, channels);
      await subscriber.connect();
      subscribers.push(subscriber);
    }
    t.diagnostic(`cluster up, devices and channels known on every node: ${Math.round(performance.now() - started)} ms`);

    const acks = new Map<string, Ack>();
    let phase = performance.now();
    await runLoad(cluster, devices, channels, { perDevice: 120, inFlight: 8 }, acks);
    const expectDelivered = async (what: string) => {
      const perChannel = new Map<string, number>();
      for (const ack of acks.values()) perChannel.set(ack.channel, (perChannel.get(ack.channel) ?? 0) + 1);
      await eventually(() => (subscribers.every((s) => channels.every((c) => s.count(c) >= perChannel.get(toHex(c))!)) ? true : undefined), 15_000, `every subscriber to receive every envelope (${what})`);
    };
    await expectDelivered('with NATS');
    t.diagnostic(`phase 1 (NATS): ${acks.size} envelopes acknowledged and delivered on all three nodes in ${Math.round(performance.now() - phase)} ms`);
    const nats = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { cluster?: { nats: string } }).cluster?.nats;
    for (const url of urls()) {
      assert.ok((await clusterCounter(url, 'direction="heard"')) > 0, `node ${url} heard announcements over NATS`);
      assert.equal(await nats(url), 'connected');
    }

    await cluster.nats!.stop(); // the test's own NATS, by its PID
    await eventually(async () => ((await Promise.all(urls().map(nats))).every((n) => n === 'unreachable') ? true : undefined), 10_000, 'every node to report NATS unreachable (and poll)');
    phase = performance.now();
    await runLoad(cluster, devices, channels, { perDevice: 80, inFlight: 8 }, acks);
    await expectDelivered('NATS stopped: polling');
    t.diagnostic(`phase 2 (NATS stopped, polling): ${acks.size} envelopes in all, delivered in ${Math.round(performance.now() - phase)} ms`);

    const { size, perChannel } = await checkLog(cluster.db.url, acks);
    // Each subscriber got its channels' envelopes in log order, each once, from whichever node.
    for (const s of subscribers) {
      for (const c of channels) {
        const got = s.received.get(toHex(c))!;
        assert.deepEqual(got.map((d) => d.hash), perChannel.get(toHex(channelTag(c))), `subscriber on node ${s.node}: every envelope of the channel once, in seq order`);
        assert.deepEqual(got.map((d) => d.seq), got.map((_, i) => i + 1), 'seqs 1..n');
      }
    }
    await eventually(async () => ((await Promise.all(urls().map(quorumSize))).every((q) => q === size) ? true : undefined), 20_000, 'every node to serve a quorum checkpoint of the whole log');
    await watcher.stop();
    const origin = ((await (await fetch(`${urls()[0]}/v1/info`)).json()) as { origin: string }).origin;
    const witnessed = await witnessCheckpoints(cluster.witnesses.map((w) => w.url), origin);
    const sizes = await checkLineage(cluster.db.url, cluster.logKey, [...watcher.notes, ...witnessed]);
    assert.equal(sizes.at(-1), size, 'the lineage reaches the whole log');
    const answers = await witnessAnswers(urls());
    const refusals = [...answers].filter(([status]) => status !== '200' && status !== '409' && status !== 'error');
    assert.deepEqual(refusals, [], 'no witness refused a checkpoint');
    assert.doesNotMatch(cluster.stderr(), /witness refused checkpoint/);
    t.diagnostic(`log ${size} entries; ${sizes.length} distinct checkpoints served, one lineage; witness answers ${JSON.stringify(Object.fromEntries(answers))}; ${Math.round(performance.now() - started)} ms in all`);
  } finally {
    await watcher.stop();
    for (const s of subscribers) await s.close();
    await cluster.stop();
  }
});
