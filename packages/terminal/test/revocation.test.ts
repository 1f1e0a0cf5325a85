/**
 * Revoking a device (issue 11 item 5): Moscow's administrator revokes Moscow's operator in the
 * logged directory; the running terminal of the channel's opener (Washington's principal)
 * removes it from the MLS group with exactly one removal commit, and the revoked device reads
 * nothing that follows. Removals by admin members, races and refusals: member-changes.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@hotline/log';
import { encodeMessageBody, Precedence, StatementType, type Charter } from '@hotline/protocol';
import { acceptInvitations, findOwnDevice, KeyStore, memberKeys, membersView, openChannel, removeRevokedMembers, revokeDevice, sendStatement, syncChannel, transcript, type Terminal } from '../src/index.js';
import { eventually, hotline } from './hotline-fixture.js';


async function caughtUp(t: Terminal, charter: Charter): Promise<void> {
  await t.refresh();
  await syncChannel(t, charter);
}

test('a revoked device is removed from the channel by its opener with exactly one commit, and reads nothing after', async () => {
  const h = await hotline();
  const [wp, mp, mo] = [h.open('wp'), h.open('mp'), h.open('mo')];
  try {
    const charter = h.charter();
    await openChannel(wp, charter);
    for (const t of [mp, mo]) await eventually('joined', async () => ((await acceptInvitations(t)).joined.length > 0 ? true : undefined));
    await caughtUp(mp, charter);

    // The device is named by a unique prefix of its key among the party's verified devices.
    assert.throws(() => findOwnDevice(mp, 'abc'), /8 to 64 lower-case hex digits/);
    assert.throws(() => findOwnDevice(mp, toHex(wp.deviceKey).slice(0, 12)), /no device of moscow/, 'only this party\'s devices');
    const operator = findOwnDevice(mp, toHex(mo.deviceKey).slice(0, 10));
    assert.deepEqual(operator, mo.deviceKey);
    await assert.rejects(revokeDevice(mp, new KeyStore(h.homes.mp).party(), mp.deviceKey, 'x'), /revoke itself/);
    await revokeDevice(mp, new KeyStore(h.homes.mp).party(), operator, 'laptop lost');

    // Before any removal, the members view says so while the device is still a leaf: revoked, not yet removed.
    await eventually('Moscow\'s directory shows the revocation', async () => {
      await mp.refresh();
      return mp.directory.entry(operator)?.revoked === true ? true : undefined;
    });
    assert.deepEqual(membersView(mp, charter).find((m) => m.deviceKey === toHex(operator)), { deviceKey: toHex(operator), party: 'moscow', member: 'Operator', roles: ['operator'], revoked: true });
    // Washington's principal opened the channel: one removal, then nothing more to do.
    const removed = await eventually('the opener removes the revoked device', async () => {
      await wp.refresh();
      const r = await removeRevokedMembers(wp);
      return r.length > 0 ? r : undefined;
    });
    assert.deepEqual(removed, [{ channel: charter.name, deviceKey: toHex(operator) }]);
    assert.deepEqual(await removeRevokedMembers(wp), [], 'the removal is waiting for its seq: no second commit');
    await caughtUp(wp, charter);
    assert.ok(!memberKeys(wp.groups.load(charter.channelId)!).some((k) => toHex(k) === toHex(operator)), 'no longer in the MLS group');
    assert.ok(!membersView(wp, charter).some((m) => m.deviceKey === toHex(operator)), 'nor in the members view');
    assert.deepEqual(await removeRevokedMembers(wp), [], 'and nothing left to remove');
    const commits = wp.db.prepare('SELECT count(*) AS n FROM outbox WHERE statement IS NULL AND channel = ?').get(charter.channelId) as { n: number };
    assert.equal(commits.n, 2, 'the opening commit and exactly one removal commit');

    const after = await sendStatement(wp, charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text: 'said after the revocation' }) });
    await eventually('Moscow\'s principal reads it', async () => {
      await caughtUp(mp, charter);
      return transcript(mp, charter).some((l) => l.text === 'said after the revocation') ? true : undefined;
    });
    await eventually('the revoked device is refused', async () => {
      await mo.refresh();
      const outcome = await syncChannel(mo, charter).catch(() => ({ alerts: [{ code: 'refused' }] }));
      return outcome.alerts.length > 0 ? true : undefined;
    });
    assert.ok(!transcript(mo, charter).some((l) => l.text === 'said after the revocation'), 'the revoked device cannot read what follows');
    assert.ok(after.receipt);
  } finally {
    for (const t of [wp, mp, mo]) t.close();
    await h.close();
  }
});
