/**
 * Key transparency against a real relay: the terminal proves the whole log from entry bundles
 * against a checkpoint, finds its party's directory records, and raises unexpected_device for a
 * certificate it did not enrol. A log whose entries do not rebuild the checkpoint root is
 * log_mismatch, and a failed scan changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { entriesPath, parseCheckpoint, parseNote, toHex, verifierKeyOf } from '@hotline/log';
import { generatePartyRoot, signerFor } from '@hotline/protocol';
import { silentLogger, startRelay } from '@hotline/relay';
import { RelayClient } from '@hotline/relay/client';
import Database from 'better-sqlite3';
import { Directory, enrolDevice, KeyStore, LogScanner } from '../src/index.js';

test('a device the party did not enrol is caught; altered entries are caught', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hotline-kt-home-'));
  const relayDir = mkdtempSync(join(tmpdir(), 'hotline-kt-relay-'));
  const root = generatePartyRoot('washington');
  const relay = await startRelay({ dataDir: relayDir, partyRoots: [verifierKeyOf(root)], checkpointIntervalMs: 10, logger: silentLogger });
  try {
    const store = new KeyStore(home);
    const client = new RelayClient(relay.url);
    const known = signerFor(randomBytes(32));
    await client.registerDevice(enrolDevice(root, { deviceKey: known.publicKey, member: 'Duty Officer', roles: ['principal'], days: 30 }, store).bytes);
    // Someone holding the root (a rogue administrator) certifies a device this terminal never saw.
    const rogue = signerFor(randomBytes(32));
    await client.registerDevice(enrolDevice(root, { deviceKey: rogue.publicKey, member: 'Duty Officer', roles: ['principal'], days: 30 }).bytes);

    const checkpoint = async () => {
      for (;;) {
        const note = parseNote(await client.text('/checkpoint').catch(() => ''));
        const cp = note.ok ? parseCheckpoint(note.value.text) : undefined;
        if (cp?.ok && cp.value.size >= 2) return cp.value;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const cp = await checkpoint();
    const scanner = new LogScanner((index, width) => client.bytes(`/${entriesPath(index, width === 256 ? undefined : width)}`));
    const scanned = await scanner.scan(cp);
    assert.ok(scanned.ok, scanned.ok ? '' : scanned.message);
    const roots = new Map([['washington', verifierKeyOf(root)]]);
    const directory = new Directory(new Database(':memory:'), () => roots);
    const fetchCert = async (key: Uint8Array) => client.bytes(`/v1/devices/${toHex(key)}`);
    // This home is the administrator's: it knows which devices it enrolled.
    const owner = { party: 'washington', member: 'Administrator', deviceKey: new Uint8Array(32), enrolled: store.enrolled() };
    const alerts = await directory.review(scanned.records, scanner.state, fetchCert, owner);
    assert.deepEqual(alerts.map((a) => [a.code, toHex(a.deviceKey)]), [['unexpected_device', toHex(rogue.publicKey)]]);
    assert.equal(directory.devicesOf('washington').length, 2, 'both are validly certified and logged: accepted, and the alert says so');
    assert.deepEqual(directory.scanState()?.size, scanner.size);

    // A device (not the administrator) is alerted to a certificate in its own member name.
    const mine = new Directory(new Database(':memory:'), () => roots);
    const asDevice = await mine.review(scanned.records, scanner.state, fetchCert, { party: 'washington', member: 'Duty Officer', deviceKey: known.publicKey, enrolled: new Set() });
    assert.deepEqual(asDevice.map((a) => [a.code, toHex(a.deviceKey)]), [['unexpected_device', toHex(rogue.publicKey)]]);

    // A relay that serves another certificate than the logged one, or none: forged_certificate, not accepted.
    const swapped = new Directory(new Database(':memory:'), () => roots);
    const other = await client.bytes(`/v1/devices/${toHex(known.publicKey)}`);
    const forged = await swapped.review(scanned.records, scanner.state, async (key) => (toHex(key) === toHex(rogue.publicKey) ? other : undefined), undefined);
    assert.deepEqual(forged.map((a) => a.code), ['forged_certificate', 'forged_certificate']);
    assert.equal(swapped.devicesOf('washington').length, 0);
    // A root this terminal does not pin signed it: also forged for this terminal.
    const strangers = new Directory(new Database(':memory:'), () => new Map([['washington', verifierKeyOf(generatePartyRoot('washington'))]]));
    assert.deepEqual((await strangers.review(scanned.records, scanner.state, fetchCert, undefined)).map((a) => a.code), ['forged_certificate', 'forged_certificate']);

    // A relay serving entries that do not rebuild the checkpoint root.
    const tampered = new LogScanner(async (index, width) => {
      const bundle = await client.bytes(`/${entriesPath(index, width === 256 ? undefined : width)}`);
      bundle[bundle.length - 1]! ^= 1;
      return bundle;
    });
    const mismatch = await tampered.scan(cp);
    assert.equal(mismatch.ok ? 'ok' : mismatch.code, 'log_mismatch');
    assert.equal(tampered.size, 0, 'a failed scan proves nothing');
    const down = new LogScanner(async () => {
      throw new Error('503');
    });
    const unavailable = await down.scan(cp);
    assert.equal(unavailable.ok ? 'ok' : unavailable.code, 'unavailable');
    // Incremental: a later scan returns only the new records.
    const third = signerFor(randomBytes(32));
    await client.registerDevice(enrolDevice(root, { deviceKey: third.publicKey, member: 'Operator', roles: ['operator'], days: 30 }, store).bytes);
    let later = cp;
    while (later.size < 3) later = await checkpoint();
    const next = await scanner.scan(later);
    assert.ok(next.ok);
    assert.equal(next.records.length, later.size - cp.size);
    assert.deepEqual(await directory.review(next.records, scanner.state, fetchCert, { ...owner, enrolled: store.enrolled() }), []);
    assert.equal(directory.devicesOf('washington').length, 3);
  } finally {
    await relay.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(relayDir, { recursive: true, force: true });
  }
});
