/**
 * Revocation with real processes (issue 11 item 5): a relay, a witness per party, and
 * `hotline terminal` running for both principals — each an admin member device of the channel,
 * so each may remove a revoked member (protocol.md §8, §16a). After `hotline party revoke` on
 * Moscow's administrator's home, both services see the revocation within a round of each
 * other; the channel gets exactly one removal commit, and Moscow's operator reads nothing
 * that follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@hotline/log';
import { decodeEnvelope, EnvelopeKind, type Charter } from '@hotline/protocol';
import { acceptInvitations, memberKeys, syncChannel, transcript } from '@hotline/terminal';
import { startService, type Service } from './services.js';
import { hotline, sleep, until } from './helpers.js';
import { openedChannel, verified, witnessedWorld, type HomeName, type WitnessedWorld } from './witnessed-world.js';

/** What a home sees of the channel: the MLS commits in the log, and whether `device` is still in its group. */
async function seen(w: WitnessedWorld, home: HomeName, charter: Charter, device: Uint8Array): Promise<{ commits: number; member: boolean }> {
  const t = w.open(home);
  try {
    const deliveries = await t.relay.envelopes(charter.channelId, 1, 1000);
    const commits = deliveries.filter((d) => {
      const e = decodeEnvelope(d.envelope);
      return e.ok && e.value.kind === EnvelopeKind.handshake;
    }).length;
    const member = memberKeys(t.groups.load(charter.channelId)!).some((k) => toHex(k) === toHex(device));
    return { commits, member };
  } finally {
    t.close();
  }
}

test('hotline party revoke: two running admin terminals, exactly one removal commit, and the revoked device reads nothing after', { timeout: 180_000 }, async () => {
  const w = await witnessedWorld();
  const services: Service[] = [];
  try {
    const charter = await openedChannel(w, 'before the revocation');
    const mo = w.open('mo');
    const operator = mo.deviceKey;
    try {
      await until('Moscow\'s operator joins', async () => (await acceptInvitations(mo)).joined.length > 0);
    } finally {
      mo.close();
    }
    services.push(await startService(w.homes.wp), await startService(w.homes.mp));

    const revoked = await hotline('party', 'revoke', toHex(operator).slice(0, 12), '--reason', 'laptop lost', '--home', w.homes.mp);
    assert.equal(revoked.code, 0, revoked.err);
    await until('both principals no longer have the operator in their group', async () => {
      const [wp, mp] = [await seen(w, 'wp', charter, operator), await seen(w, 'mp', charter, operator)];
      return !wp.member && !mp.member;
    }, 600);
    await sleep(1500); // several more rounds of both services: nobody commits a second removal
    assert.equal((await seen(w, 'wp', charter, operator)).commits, 2, 'the opening commit and exactly one removal commit');
    const removals = services.flatMap((s) => s.log().split('\n')).filter((l) => l.includes('"removed_revoked"'));
    assert.equal(removals.length, 1, `one service made the removal:\n${removals.join('\n')}`);

    const after = await hotline('send', 'washington-moscow', 'said after the revocation', '--home', w.homes.wp);
    assert.equal(after.code, 0, after.err);
    const mp = w.open('mp');
    try {
      await until('Moscow\'s principal reads it', () => verified(mp, charter, 'said after the revocation'), 600);
    } finally {
      mp.close();
    }
    const revokedHome = w.open('mo');
    try {
      await revokedHome.refresh().catch(() => undefined);
      await syncChannel(revokedHome, charter).catch(() => undefined); // refused by the relay, or nothing it can decrypt
      assert.ok(!transcript(revokedHome, charter).some((l) => l.text === 'said after the revocation'), 'the revoked device cannot read what follows');
    } finally {
      revokedHome.close();
    }
    for (const s of services) assert.equal(await s.stop(), 0, `SIGTERM drains and exits 0:\n${s.log()}`);
  } finally {
    for (const s of services) await s.stop();
    await w.close();
  }
});
