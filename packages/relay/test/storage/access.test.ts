/**
 * The access snapshot: the per-request answers (active? member?) follow the rules of the
 * directory and channel tables, including their hostile cases — a revocation dated later
 * cannot postpone an earlier one, a second certificate cannot replace the first, a stale
 * membership answering late cannot bring removed members back — and it loads from storage.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { partyTag, RecordKind } from '@hotline/protocol';
import { AccessSnapshot } from '../../src/storage/access.js';
import { openStorage } from '../../src/storage/open.js';
import type { DeviceRow } from '../../src/storage/records.js';

const key = () => new Uint8Array(randomBytes(32));
const row = (k: Uint8Array, notBefore: number, notAfter: number, member = 'Alice'): DeviceRow => ({ key: k, party: 'washington', member, roles: 1, notBefore, notAfter, certificate: new Uint8Array([1]) });

test('a device is active only inside its window and before its earliest revocation; the first registration stands', () => {
  let nowMs = 1_000_000;
  const access = new AccessSnapshot(() => nowMs);
  const alice = key();
  assert.equal(access.isActive(alice), false, 'unknown');
  access.applyDirectory(row(alice, 900, 2000));
  access.applyDirectory(row(alice, 0, 1_000_000_000, 'Mallory')); // a second certificate for the key
  assert.equal(access.device(alice)?.notAfter, 2000, 'the first certificate window stands');
  assert.equal(access.isActive(alice), true);
  access.applyDirectory({ revokeKey: alice, revokedAt: 1500 });
  access.applyDirectory({ revokeKey: alice, revokedAt: 1900 }); // later: must not postpone
  assert.equal(access.device(alice)?.revokedAt, 1500);
  assert.equal(access.isActive(alice), true, 'a future-dated revocation is not yet in effect');
  nowMs = 1_500_000;
  assert.equal(access.isActive(alice), false, 'in effect at its time');
  const bob = key();
  access.applyDirectory(row(bob, 2000, 3000));
  assert.equal(access.isActive(bob), false, 'not yet valid');
  nowMs = 3_000_000;
  assert.equal(access.isActive(bob), false, 'expired at notAfter');
  access.applyDirectory({ revokeKey: key(), revokedAt: 1 }); // an unknown device: nothing appears
  assert.equal(access.device(key()), undefined);
});

test('membership follows the newest version only, whatever order the versions arrive in', () => {
  const access = new AccessSnapshot(() => 0);
  const channel = new Uint8Array(randomBytes(16));
  const [a, b] = [key(), key()];
  assert.equal(access.isMember(channel, a), false);
  access.setMembers(channel, 2, [a]);
  access.setMembers(channel, 1, [a, b]); // version 1 answering late
  assert.equal(access.isMember(channel, b), false, 'a removed member does not come back');
  access.setMembers(channel, 3, [b]);
  assert.deepEqual([access.isMember(channel, a), access.isMember(channel, b)], [false, true]);
  assert.equal(access.isMember(new Uint8Array(16), b), false, 'membership is per channel');
});

test('the snapshot loads every device and channel from storage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-access-'));
  const storage = await openStorage(`sqlite:${join(dir, 'relay.db')}`);
  try {
    const devices = Array.from({ length: 1500 }, () => key()); // more than one page
    await storage.sequencing.appendBatch(
      devices.map((k) => ({ kind: RecordKind.certificate, streamTag: partyTag('washington'), itemHash: new Uint8Array(randomBytes(32)), aux: k, body: new Uint8Array([1]), directory: row(k, 0, 10) })),
      1,
    );
    const channel = new Uint8Array(randomBytes(16));
    await storage.channels.putChannel({ id: channel, creator: devices[0]!, version: 4, membership: new Uint8Array([1]), members: devices.slice(0, 2) });
    const access = await AccessSnapshot.load(storage.directory, storage.channels, () => 5000);
    assert.ok(devices.every((k) => access.isActive(k)));
    assert.equal(access.isMember(channel, devices[1]!), true);
    assert.equal(access.isMember(channel, devices[2]!), false);
    access.setMembers(channel, 4, []); // the loaded version is known: the same version changes nothing
    assert.equal(access.isMember(channel, devices[1]!), true);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
