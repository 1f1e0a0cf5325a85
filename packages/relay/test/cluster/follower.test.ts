/**
 * The follower trusts the database, never the bus: an announcement is only "look now". A
 * forged announcement of a huge log makes it read the real watermark and no further; an
 * announcement at or below what it processed (a duplicate, a late one, its own echo) is
 * dropped unread; its own contiguous commit needs no read at all; a lost announcement is made
 * up by the poll.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { toHex } from '@hotline/log';
import { channelTag, encodeRecord, RecordKind } from '@hotline/protocol';
import { ClusterFollower, POLL_MS_UNANNOUNCED } from '../../src/cluster/follower.js';
import { silentLogger } from '../../src/index.js';
import { eventually } from '../fixtures.js';

const tag = channelTag(new Uint8Array(randomBytes(16)));
const record = (seq: number) =>
  encodeRecord({ kind: RecordKind.envelope, streamTag: tag, seq, itemHash: new Uint8Array(32), aux: new Uint8Array(32), chainHash: new Uint8Array(32), receivedAt: 0 });

function follower(log: Uint8Array[]) {
  const reads: string[] = [];
  const passes: string[] = [];
  const grew: string[] = [];
  const f = new ClusterFollower(
    {
      feed: {
        watermarks: async () => (reads.push('watermarks'), { logSize: log.length, accessRevision: 0 }),
        channelsChangedSince: async (revision) => ({ channels: [], revision }),
      },
      log: { readRecords: async (from, to) => (reads.push(`records ${from}-${to}`), log.slice(from, to)) },
      directory: { device: async () => undefined },
      access: { refreshDevice: () => undefined, setMembers: () => undefined },
      logGrew: () => undefined,
      streamGrew: (t, seq) => grew.push(`${toHex(t) === toHex(tag) ? 'channel' : 'other'} ${seq}`),
      deviceChanged: () => undefined,
      membershipChanged: () => undefined,
      logger: silentLogger,
      count: (cause) => passes.push(cause),
    },
    { logSize: 0, accessRevision: 0 },
  );
  return { f, reads, passes, grew };
}

test('a forged, duplicate or own announcement never makes the follower read past the database, or at all', async () => {
  const log = [record(1), record(2), record(3)];
  const { f, reads, passes, grew } = follower(log);
  f.announced(true); // announcements arrive: the poll slows to its safety-net interval
  f.hint({ logSize: 1e12 }); // forged: far beyond the log
  await eventually(() => (grew.length > 0 ? true : undefined), 2000, 'a pass');
  assert.deepEqual(reads, ['watermarks', 'records 0-3'], 'the real watermark, and no further');
  assert.deepEqual(grew, ['channel 3'], 'subscribers behind seq 3 of the channel catch up (once per stream and pass)');
  f.hint({ logSize: 3 }); // a duplicate, or a late one
  f.hint({ logSize: 2 });
  f.ownCommit(3, 5); // this node's own commit, right after what was processed
  log.push(record(4), record(5));
  f.hint({ logSize: 5 }); // its own announcement echoed back
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(passes, ['announcement'], 'nothing more was read');
  await f.stop();
});

test('without announcements, the poll finds what another node committed', async () => {
  const log: Uint8Array[] = [];
  const { f, grew } = follower(log);
  f.start();
  log.push(record(1)); // committed elsewhere; its announcement lost
  const since = performance.now();
  await eventually(() => (grew.includes('channel 1') ? true : undefined), 5 * POLL_MS_UNANNOUNCED, 'the poll to find it');
  assert.ok(performance.now() - since < 3 * POLL_MS_UNANNOUNCED);
  await f.stop();
});
