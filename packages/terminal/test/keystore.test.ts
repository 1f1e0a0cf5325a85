/** The terminal's key store: sealed party keys, permissions, pinned counterparty roots. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { generatePartyRoot } from '@hotline/protocol';
import { KeyStore, KeyStoreError, seal, unseal } from '../src/index.js';

function home(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'hotline-home-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

test('a party key is created 0600 and exported as a vkey; a second create is refused', () => {
  const h = home();
  try {
    const store = new KeyStore(h.path);
    const key = store.createParty('washington');
    assert.equal(statSync(join(h.path, 'party.key')).mode & 0o777, 0o600);
    assert.equal(store.exportParty(), formatVerifierKey(verifierKeyOf(key)));
    assert.match(store.exportParty(), /^washington\+[0-9a-f]{8}\+/);
    assert.throws(() => store.createParty('washington'), KeyStoreError);
  } finally {
    h.remove();
  }
});

test('a sealed party key needs its passphrase; a wrong one or an altered file is refused', () => {
  const h = home();
  try {
    const store = new KeyStore(h.path);
    const key = store.createParty('moscow', 'correct horse');
    const onDisk = readFileSync(join(h.path, 'party.key'), 'utf8');
    assert.ok(onDisk.startsWith('hotline/v1/sealed-key\n'));
    assert.ok(!onDisk.includes('PRIVATE+KEY'), 'no key material in the clear');
    assert.deepEqual(store.party('correct horse').seed, key.seed);
    assert.throws(() => store.party(), /sealed: set HOTLINE_PASSPHRASE/);
    assert.throws(() => store.party('wrong'), /wrong passphrase/);
    const altered = onDisk.replace(/[A-Za-z](?=[A-Za-z0-9+/=]*\n$)/, (c) => (c === 'A' ? 'B' : 'A'));
    writeFileSync(join(h.path, 'party.key'), altered, { mode: 0o600 });
    assert.throws(() => store.party('correct horse'), /wrong passphrase, or the file was altered/);
    assert.equal(unseal(seal('x', 'p'), 'p'), 'x');
    assert.throws(() => seal('x', ''), TypeError);
  } finally {
    h.remove();
  }
});

test('a key file readable by others is refused', () => {
  const h = home();
  try {
    const store = new KeyStore(h.path);
    store.createParty('washington');
    chmodSync(join(h.path, 'party.key'), 0o644);
    assert.throws(() => store.party(), /readable by others/);
  } finally {
    h.remove();
  }
});

test('counterparty roots are pinned once; a different key for the same party is refused', () => {
  const h = home();
  try {
    const store = new KeyStore(h.path);
    const moscow = formatVerifierKey(verifierKeyOf(generatePartyRoot('moscow')));
    store.trust(moscow);
    store.trust(moscow); // idempotent
    assert.deepEqual(store.trusted().map((k) => formatVerifierKey(k)), [moscow]);
    const impostor = formatVerifierKey(verifierKeyOf(generatePartyRoot('moscow')));
    assert.throws(() => store.trust(impostor), /already pinned to another key/);
    assert.throws(() => store.trust('not a vkey'), KeyStoreError);
  } finally {
    h.remove();
  }
});
