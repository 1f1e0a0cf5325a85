/** MLS group state: persisted sealed, restored to keep talking, refused under another key or channel. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { createApplicationMessage, createCommit, createGroup, defaultProposalTypes, joinGroup, processMessage } from 'ts-mls';
import { deviceKeyPackage, directoryAuthenticationService, GroupStateError, GroupStateStore, KeyStore, mlsContext } from '../src/index.js';

test('a restored group state keeps the conversation going; nothing opens it under another key or channel', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hotline-groups-'));
  try {
    const store = new KeyStore(home);
    const key = store.storageKey();
    assert.equal(statSync(join(home, 'state.key')).mode & 0o777, 0o600);
    assert.deepEqual(store.storageKey(), key, 'the same key on every use');
    const vouched = new Map<string, Uint8Array[]>();
    const context = await mlsContext(directoryAuthenticationService((d) => vouched.get(Buffer.from(d).toString('hex'))));
    const devices = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
    const [a, b] = await Promise.all(devices.map((d) => deviceKeyPackage(context, d)));
    devices.forEach((d, i) => vouched.set(Buffer.from(d).toString('hex'), [[a, b][i]!.signaturePublicKey]));
    let alice = await createGroup({ context, groupId: new Uint8Array(randomBytes(16)), keyPackage: a!.publicPackage, privateKeyPackage: a!.privatePackage });
    const added = await createCommit({ context, state: alice, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.add, add: { keyPackage: b!.publicPackage } }] });
    alice = added.newState;
    const bob = await joinGroup({ context, welcome: added.welcome!.welcome, keyPackage: b!.publicPackage, privateKeys: b!.privatePackage });

    const channel = new Uint8Array(randomBytes(16));
    const states = new GroupStateStore(join(home, 'groups.db'), key);
    states.save(channel, bob);
    states.close();
    const raw = readFileSync(join(home, 'groups.db'));
    assert.equal(raw.includes(Buffer.from(b!.privatePackage.hpkePrivateKey)), false, 'no private key in the clear on disk');

    const reopened = new GroupStateStore(join(home, 'groups.db'), key);
    const restored = reopened.load(channel);
    assert.ok(restored !== undefined);
    const sent = await createApplicationMessage({ context, state: alice, message: new TextEncoder().encode('after the restart') });
    const received = await processMessage({ context, state: restored, message: sent.message });
    assert.equal(received.kind, 'applicationMessage');
    assert.equal(received.kind === 'applicationMessage' && new TextDecoder().decode(received.message), 'after the restart');
    assert.equal(reopened.load(new Uint8Array(16)), undefined);
    reopened.close();

    const wrongKey = new GroupStateStore(join(home, 'groups.db'), new Uint8Array(32).fill(1));
    assert.throws(() => wrongKey.load(channel), GroupStateError);
    wrongKey.close();

    // A sealed state copied under another channel's id does not open there.
    const db = new Database(join(home, 'groups.db'));
    const other = new Uint8Array(randomBytes(16));
    db.prepare('INSERT INTO groups (channel, sealed) SELECT ?, sealed FROM groups WHERE channel = ?').run(other, channel);
    db.close();
    const moved = new GroupStateStore(join(home, 'groups.db'), key);
    assert.throws(() => moved.load(other), GroupStateError);
    moved.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
