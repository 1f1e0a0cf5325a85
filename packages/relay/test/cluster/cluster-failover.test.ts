/**
 * `kill -9` of one of three relay nodes in the middle of a run: the other two keep
 * sequencing, clients of the dead node resubmit elsewhere (what had been committed comes back
 * as its original receipt), its subscribers reconnect to another node from their own cursors,
 * and no acknowledged envelope is lost — checked from the log's rows. The killed node then
 * restarts onto the same database and catches up. One checkpoint lineage throughout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelTag } from '@hotline/protocol';
import { toHex } from '@hotline/log';
import { eventually } from '../fixtures.js';
import { postgresUnavailable } from '../storage/postgres-databases.js';
import { TestCluster } from './cluster-harness.js';
import { checkLineage, checkLog, CheckpointWatcher, witnessCheckpoints, quorumSize, witnessAnswers } from './cluster-checks.js';
import { enrolDevices, openChannel, runLoad, Subscriber, type Ack } from './cluster-load.js';

const unavailable = await postgresUnavailable();

test('kill -9 of one node mid-run: the others keep sequencing, no acknowledged envelope is lost, subscribers resume elsewhere, the node comes back', { skip: unavailable ?? false, timeout: 90_000 }, async (t) => {
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
    const acks = new Map<string, Ack>();
    let killedAt = 0;
    await runLoad(cluster, devices, channels, {
      perDevice: 200,
      inFlight: 8,
      midway: async () => {
        killedAt = performance.now();
        await cluster.kill(1);
      },
    }, acks);
    assert.ok(killedAt > 0, 'the node was killed mid-run');
    const afterKill = [...acks.values()].filter((a) => a.node !== 1).length;
    t.diagnostic(`${acks.size} envelopes acknowledged; node 1 killed midway; ${Math.round(performance.now() - killedAt)} ms of load after the kill, ${afterKill} acknowledged by nodes 0 and 2 in all`);

    const { size, perChannel } = await checkLog(cluster.db.url, acks);
    const duplicates = [...acks.values()].filter((a) => a.receipt.duplicate).length;
    t.diagnostic(`log ${size} entries, every acknowledged envelope once; ${duplicates} resubmissions answered with their original receipt`);

    const moved = subscribers.find((s) => s.reconnects > 0);
    assert.ok(moved !== undefined && moved.node !== 1, "the dead node's subscriber moved to another node");
    await eventually(() => (subscribers.every((s) => channels.every((c) => s.count(c) >= perChannel.get(toHex(channelTag(c)))!.length)) ? true : undefined), 15_000, 'every subscriber, moved or not, to have every envelope');
    for (const s of subscribers) {
      for (const c of channels) {
        assert.deepEqual(s.received.get(toHex(c))!.map((d) => d.hash), perChannel.get(toHex(channelTag(c))), `subscriber now on node ${s.node}: every envelope once, in seq order, across the failover`);
      }
    }

    const restarted = await cluster.startNode(1);
    const health = (await (await fetch(`${restarted.url}/healthz`)).json()) as { logSize: number };
    assert.equal(health.logSize, size, 'the restarted node reads the log the others grew');
    await eventually(async () => ((await Promise.all(urls().map(quorumSize))).every((q) => q === size) ? true : undefined), 20_000, 'every node, the restarted one too, to serve a quorum checkpoint of the whole log');
    await watcher.stop();
    const origin = ((await (await fetch(`${urls()[0]}/v1/info`)).json()) as { origin: string }).origin;
    const witnessed = await witnessCheckpoints(cluster.witnesses.map((w) => w.url), origin);
    const sizes = await checkLineage(cluster.db.url, cluster.logKey, [...watcher.notes, ...witnessed]);
    assert.equal(sizes.at(-1), size);
    const answers = await witnessAnswers(urls());
    assert.deepEqual([...answers].filter(([status]) => status !== '200' && status !== '409' && status !== 'error'), [], 'no witness refused a checkpoint');
    assert.doesNotMatch(cluster.stderr(), /witness refused checkpoint/);
    t.diagnostic(`${sizes.length} distinct checkpoints, one lineage; witness answers ${JSON.stringify(Object.fromEntries(answers))}; ${Math.round(performance.now() - started)} ms in all`);
  } finally {
    await watcher.stop();
    for (const s of subscribers) await s.close();
    await cluster.stop();
  }
});
