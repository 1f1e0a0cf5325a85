/**
 * The record with real processes (issue 12): a two-party exchange on a real relay and a witness
 * per party; `hotline export` with the relay and both witnesses STOPPED, from the archive alone;
 * `hotline verify` offline with nothing but the two roots and the witness policy. Then what must
 * fail does, naming why — a wrong root, a witness the checkpoints lack, 150 random single-byte
 * flips of the file — a withheld statement keeps the range complete, a home older than record
 * export says so and fills itself at its next sync, and years later, every device key rotated
 * and every certificate expired, the bundle still verifies: certificates judged at record time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatVerifierKey, generateSignerKey, KeyType, toHex, verifierKeyOf } from '@hotline/log';
import { issueRevocation, partyRootSigner, Precedence } from '@hotline/protocol';
import { RelayClient } from '@hotline/relay/client';
import { acknowledge, enrolDevice, KeyStore, sendMessage, syncChannel } from '@hotline/terminal';
import { hotline, until } from './helpers.js';
import { openedChannel, verified, witnessedWorld, type WitnessedWorld } from './witnessed-world.js';

const CHANNEL = 'washington-moscow';
const YEAR_MS = 365 * 86_400_000;

/** No stack trace and no internal error text: only hotline's own words. */
function assertNoStack(err: string, what: string): void {
  assert.doesNotMatch(err, /^\s+at .+[:(]/m, `${what}: a stack trace\n${err}`);
  assert.doesNotMatch(err, /(TypeError|RangeError|SyntaxError|ReferenceError)\b/, `${what}: an internal error\n${err}`);
}

function roots(w: WitnessedWorld): string[] {
  return [w.homes.wp, w.homes.mp].map((h) => formatVerifierKey(verifierKeyOf(new KeyStore(h).party())));
}

/** Runs `jobs` at most `limit` at a time. */
async function bounded<T>(limit: number, jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  }));
  return results;
}

test('hotline export with the relay and witnesses stopped; hotline verify offline; what is wrong is named; years later it still verifies', { timeout: 400_000 }, async () => {
  const w = await witnessedWorld();
  try {
    const charter = await openedChannel(w, 'Washington: the line is open.');
    const wp = w.open('wp');
    const mp = w.open('mp');
    let lastLogIndex = 0;
    let secret = '';
    try {
      const texts = ['Moscow: received, the line is open here too.', 'Moscow: a private aside for the archive only.'];
      for (const text of texts) {
        const sent = await sendMessage(mp, charter, { precedence: Precedence.routine, language: 'en', text });
        assert.ok(sent.receipt, `sent: ${sent.error}`);
        if (text.includes('private')) secret = toHex(sent.statementId);
      }
      const flash = await sendMessage(wp, charter, { precedence: Precedence.immediate, language: 'en', text: 'Washington: IMMEDIATE, please acknowledge.' });
      assert.ok(flash.receipt, `sent: ${flash.error}`);
      await until('Moscow verifies the IMMEDIATE', () => verified(mp, charter, 'Washington: IMMEDIATE, please acknowledge.'));
      const ack = await acknowledge(mp, charter, toHex(flash.statementId).slice(0, 12));
      assert.ok(ack.receipt, `ack: ${ack.error}`);
      lastLogIndex = ack.receipt.logIndex;
      await until('Moscow has verified its own ack under a cosigned checkpoint', async () => {
        await mp.refresh();
        await syncChannel(mp, charter);
        return (mp.archive.position(charter.channelId)?.nextSeq ?? 0) > ack.receipt!.seq && mp.scannedSize > lastLogIndex;
      }, 400);
    } finally {
      wp.close();
      mp.close();
    }
    await w.stopRelay();
    await w.stopWitnesses();

    const policyFile = join(w.base, 'policy.txt');
    writeFileSync(policyFile, w.policy);
    const [washington, moscow] = roots(w);
    const bundle = join(w.base, 'record.json');
    const offline = ['--root', washington!, '--root', moscow!, '--policy', policyFile];

    const exported = await hotline('export', CHANNEL, '--out', bundle, '--home', w.homes.mp);
    assert.equal(exported.code, 0, `export from the archive alone, relay and witnesses stopped:\n${exported.err}`);
    assert.match(exported.out, /exported washington-moscow seq 1\.\.\d+/);
    assert.equal(statSync(bundle).mode & 0o777, 0o600, 'the bundle holds plaintext: 0600');
    const again = await hotline('export', CHANNEL, '--out', bundle, '--home', w.homes.mp);
    assert.equal(again.code, 2, 'an existing file is not replaced');
    assert.match(again.err, /exists.*--force/);
    assert.equal((await hotline('export', CHANNEL, '--out', bundle, '--force', '--home', w.homes.mp)).code, 0, '--force replaces it');

    const ok = await hotline('verify', bundle, ...offline);
    assert.equal(ok.code, 0, `verifies offline with only the roots and the policy:\n${ok.out}\n${ok.err}`);
    assert.match(ok.out, /trust basis: roots washington\+[0-9a-f]{8}…, moscow\+[0-9a-f]{8}…; witnesses w0, w1, .*; certificates valid at record time/);
    const complete = /(\d+) statements, 0 withheld, seq 1\.\.(\d+) complete/.exec(ok.out);
    assert.ok(complete, ok.out);
    const statements = Number(complete[1]);
    assert.ok(statements >= 5, `the messages and the ack: ${ok.out}`);
    const oneThread = await hotline('verify', bundle, ...offline, '--workers', '1');
    assert.equal(oneThread.out, ok.out, 'one thread or a pool: the same verdict');
    assert.equal((await hotline('verify', bundle, ...offline, '--workers', '0')).code, 2, '--workers 0 is bad usage');
    assert.equal((await hotline('verify', join(w.base, 'no-such.json'), ...offline)).code, 2, 'an unreadable file is bad usage');
    const withHome = await hotline('verify', bundle, '--home', w.homes.wp);
    assert.equal(withHome.code, 0, `with Washington's home: its pinned roots and its charter's policy\n${withHome.err}`);
    const json = JSON.parse((await hotline('verify', bundle, ...offline, '--json')).out) as { verified: boolean; summary: { from: number; to: number } };
    assert.equal(json.verified, true);

    // A wrong root for Washington: the trust basis is named.
    const impostor = formatVerifierKey(verifierKeyOf(generateSignerKey('washington', KeyType.ed25519)));
    const wrongRoot = await hotline('verify', bundle, '--root', impostor, '--root', moscow!, '--policy', policyFile);
    assert.equal(wrongRoot.code, 1, wrongRoot.err);
    assert.match(wrongRoot.err, /does NOT verify/);
    assert.match(wrongRoot.err, /step trust/);
    assert.match(wrongRoot.err, /washington/);
    assertNoStack(wrongRoot.err, 'wrong root');

    // A policy that also requires a witness whose cosignature the checkpoints lack.
    const extra = generateSignerKey('witness2.example', KeyType.cosignatureV1);
    const strict = w.policy.replace('group both all w0 w1', `witness w2 ${formatVerifierKey(verifierKeyOf(extra))}\ngroup both all w0 w1 w2`);
    const strictFile = join(w.base, 'strict-policy.txt');
    writeFileSync(strictFile, strict);
    const missing = await hotline('verify', bundle, '--root', washington!, '--root', moscow!, '--policy', strictFile);
    assert.equal(missing.code, 1, missing.err);
    assert.match(missing.err, /w2/, `names the witness the checkpoints lack:\n${missing.err}`);
    assertNoStack(missing.err, 'missing witness');

    // One statement withheld: the range stays provably complete.
    const partial = join(w.base, 'withheld.json');
    const withheld = await hotline('export', CHANNEL, '--out', partial, '--withhold', secret.slice(0, 16), '--home', w.homes.mp);
    assert.equal(withheld.code, 0, withheld.err);
    const shown = await hotline('verify', partial, ...offline);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, new RegExp(`${statements} statements, 1 of ${statements} withheld, seq 1\\.\\.${complete[2]} complete`));
    // The text in each of base64's three alignments: in the full bundle (the check can fail), not in the withheld one.
    const aligned = [0, 1, 2].map((k) => Buffer.from(`${'x'.repeat(k)}a private aside for the archive`).toString('base64').slice(4, -4));
    assert.ok(aligned.some((b) => readFileSync(bundle, 'utf8').includes(b)), 'the full bundle carries the text');
    assert.ok(!aligned.some((b) => readFileSync(partial, 'utf8').includes(b)), 'the withheld text is not in the file');

    // 150 random single-byte flips, each through the CLI: exit 1, hotline's own words.
    const original = readFileSync(bundle);
    const flips = Array.from({ length: 150 }, (_, i) => {
      const at = randomInt(original.length);
      const flipped = Buffer.from(original);
      flipped[at] = flipped[at]! ^ (1 + randomInt(255));
      const file = join(w.base, `flip-${i}.json`);
      writeFileSync(file, flipped);
      return { at, file };
    });
    const results = await bounded(2, flips.map((f) => () => hotline('verify', f.file, ...offline)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 1, `flip at byte ${flips[i]!.at}: exit ${r.code}\n${r.out}\n${r.err}`);
      assert.match(r.err, /does NOT verify: .+/, `flip at byte ${flips[i]!.at} names its failure`);
      assertNoStack(r.err, `flip at byte ${flips[i]!.at}`);
    }

    // A home older than record export: it says so, and its next sync (relay back) fills it.
    const db = new Database(join(w.homes.mp, 'terminal.db'));
    db.exec('DROP TABLE log_leaf_tiles; DROP TABLE directory_records;');
    db.close();
    const old = await hotline('export', CHANNEL, '--out', join(w.base, 'old.json'), '--home', w.homes.mp);
    assert.equal(old.code, 1, old.err);
    assert.match(old.err, /predates record export/);
    await w.startWitnesses();
    await w.startRelay();
    const status = await hotline('status', '--home', w.homes.mp);
    assert.notEqual(status.code, 2, status.err);
    const refilled = await hotline('export', CHANNEL, '--out', join(w.base, 'refilled.json'), '--home', w.homes.mp);
    assert.equal(refilled.code, 0, `after one sync the archive is whole again:\n${refilled.err}`);

    // Years later: every device key rotated (revoked, new keys certified), every certificate
    // long expired — the bundle verifies as it did, each certificate judged at its record's time.
    const client = new RelayClient(w.relay.url);
    for (const [home, admin] of [['wp', w.homes.wp], ['mp', w.homes.mp], ['mo', w.homes.mp]] as const) {
      const root = new KeyStore(admin).party();
      const device = new KeyStore(w.homes[home]).device().signer.publicKey;
      await client.revokeDevice(issueRevocation({ party: root.name, deviceKey: device, time: Math.floor(Date.now() / 1000), reason: 'key rotation' }, partyRootSigner(root)).bytes);
      const fresh = generateSignerKey('device', KeyType.ed25519);
      await client.registerDevice(enrolDevice(root, { deviceKey: verifierKeyOf(fresh).publicKey, member: `rotated ${home}`, roles: ['principal'], days: 30 }, new KeyStore(admin)).bytes);
    }
    await w.setClock(3 * YEAR_MS);
    const later = await hotline('verify', bundle, ...offline);
    assert.equal(later.code, 0, `three years later, every key rotated:\n${later.err}`);
    assert.equal(later.out, ok.out, 'the same verdict, word for word');
    const laterHome = await hotline('verify', bundle, '--home', w.homes.mp);
    assert.equal(laterHome.code, 0, laterHome.err);
    await w.setClock(0);
  } finally {
    await w.close();
  }
});
