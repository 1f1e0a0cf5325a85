/**
 * Member changes by devices other than the opener (issue 11 item 5, protocol.md §8 and §16a):
 * the channel's opener or any member device certified with the admin role may change its
 * members: a device certified with the admin role. Washington's principal opens the channel;
 * both principals hold the admin role; the operators hold none. Each test names who refuses what, and counts the commits in the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@hotline/log';
import { decodeEnvelope, encodeEnvelope, encodeMessageBody, EnvelopeKind, openMembership, Precedence, signMembership, StatementType, type Charter } from '@hotline/protocol';
import { RelayRequestError } from '@hotline/relay/client';
import { createCommit, defaultProposalTypes, encode, mlsMessageEncoder, nodeTypes } from 'ts-mls';
import { acceptInvitations, KeyStore, MemberChangeRefused, memberKeys, openChannel, removeMember, removeRevokedMembers, revokeDevice, sendStatement, syncChannel, transcript, type Terminal } from '../src/index.js';
import { eventually, hotline, type Hotline } from './hotline-fixture.js';

async function caughtUp(t: Terminal, charter: Charter): Promise<void> {
  await t.refresh();
  await syncChannel(t, charter);
}

/** Washington's principal opens the channel with everyone in it; the others join. */
async function openedByWashington(h: Hotline, wp: Terminal, joiners: Terminal[]): Promise<Charter> {
  const charter = h.charter();
  await openChannel(wp, charter);
  for (const t of joiners) await eventually('joined', async () => ((await acceptInvitations(t)).joined.length > 0 ? true : undefined));
  return charter;
}

/** The MLS commits the relay sequenced in the channel, read by a member. */
async function commitsInLog(t: Terminal, charter: Charter): Promise<number> {
  const deliveries = await t.relay.envelopes(charter.channelId, 1, 1000);
  return deliveries.filter((d) => {
    const e = decodeEnvelope(d.envelope);
    return e.ok && e.value.kind === EnvelopeKind.handshake;
  }).length;
}

async function revokeOperator(h: Hotline, mp: Terminal, mo: Terminal): Promise<void> {
  await revokeDevice(mp, new KeyStore(h.homes.mp).party(), mo.deviceKey, 'laptop lost');
  await eventually('Moscow\'s directory shows the revocation', async () => {
    await mp.refresh();
    return mp.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
  });
}

async function cannotRead(mo: Terminal, charter: Charter, text: string): Promise<void> {
  await eventually('the revoked device is refused', async () => {
    await mo.refresh();
    const outcome = await syncChannel(mo, charter).catch(() => ({ alerts: [{ code: 'refused' }] }));
    return outcome.alerts.length > 0 ? true : undefined;
  });
  assert.ok(!transcript(mo, charter).some((l) => l.text === text), 'the revoked device cannot read what follows');
}

function say(t: Terminal, charter: Charter, text: string) {
  return sendStatement(t, charter, { type: StatementType.message, body: encodeMessageBody({ precedence: Precedence.routine, language: 'en', text }) });
}

test('the opener offline for good: an admin member removes the revoked device with one commit, and the relay follows its access list', async () => {
  const h = await hotline();
  const wp = h.open('wp');
  const [mp, mo] = [h.open('mp'), h.open('mo')];
  try {
    const charter = await openedByWashington(h, wp, [mp, mo]);
    wp.close(); // the opener never comes back

    await revokeOperator(h, mp, mo);
    await caughtUp(mp, charter);
    assert.deepEqual(await removeRevokedMembers(mp), [{ channel: charter.name, deviceKey: toHex(mo.deviceKey) }]);
    await caughtUp(mp, charter);
    assert.deepEqual(await removeRevokedMembers(mp), [], 'nothing left to remove');
    assert.ok(!memberKeys(mp.groups.load(charter.channelId)!).some((k) => toHex(k) === toHex(mo.deviceKey)), 'no longer in the MLS group');
    assert.equal(await commitsInLog(mp, charter), 2, 'the opening commit and exactly one removal commit');

    const list = openMembership((await mp.relay.membership(charter.channelId))!);
    assert.ok(list.ok);
    assert.equal(toHex(list.value.signer), toHex(mp.deviceKey), 'the access list is now signed by the admin member');
    assert.ok(!list.value.members.some((k) => toHex(k) === toHex(mo.deviceKey)), 'and the relay no longer lists the revoked device');

    await say(mp, charter, 'said with the opener gone');
    await cannotRead(mo, charter, 'said with the opener gone');
  } finally {
    for (const t of [mp, mo]) t.close();
    await h.close();
  }
});

test('two authorised terminals remove the same revoked device at once: exactly one removal commit, the other finds it gone', async () => {
  const h = await hotline();
  const [wp, mp, wo, mo] = [h.open('wp'), h.open('mp'), h.open('wo'), h.open('mo')];
  try {
    const charter = await openedByWashington(h, wp, [mp, wo, mo]);
    await caughtUp(mp, charter);
    await revokeOperator(h, mp, mo);
    await eventually('Washington\'s directory shows the revocation', async () => {
      await wp.refresh();
      return wp.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
    });

    // Both see the revocation in the same epoch; the relay takes one commit for it (409 to the other).
    const [byOpener, byAdmin] = await Promise.all([removeRevokedMembers(wp), removeRevokedMembers(mp)]);
    assert.equal(byOpener.length + byAdmin.length, 1, 'one of them removed the device');
    for (const t of [wp, mp]) {
      await caughtUp(t, charter);
      assert.ok(!memberKeys(t.groups.load(charter.channelId)!).some((k) => toHex(k) === toHex(mo.deviceKey)));
      assert.deepEqual(await removeRevokedMembers(t), [], 'the loser finds the device gone and commits nothing');
    }
    assert.equal(await commitsInLog(wp, charter), 2, 'the opening commit and exactly one removal commit');

    await say(wp, charter, 'said after the race');
    await eventually('the other members read it', async () => {
      for (const t of [mp, wo]) await caughtUp(t, charter);
      return [mp, wo].every((t) => transcript(t, charter).some((l) => l.text === 'said after the race')) ? true : undefined;
    });
    for (const t of [wp, mp, wo]) assert.ok(!t.archive.alerts().some((a) => a.code === 'unauthorised_member_change'), 'an admin\'s removal is no evidence against it');
    await cannotRead(mo, charter, 'said after the race');
  } finally {
    for (const t of [wp, mp, wo, mo]) t.close();
    await h.close();
  }
});

test('a member device without the admin role cannot change members: its terminal refuses, and so does the relay', async () => {
  const h = await hotline();
  const [wp, mp, wo, mo] = [h.open('wp'), h.open('mp'), h.open('wo'), h.open('mo')];
  try {
    const charter = await openedByWashington(h, wp, [mp, wo, mo]);
    await caughtUp(mo, charter);

    // Its own terminal refuses before any MLS commit exists.
    await assert.rejects(removeMember(mo, charter, mp.deviceKey), (e: unknown) => e instanceof MemberChangeRefused && e.code === 'not_authorised' && e.channel === charter.name);
    assert.equal(mo.groups.pending(charter.channelId), undefined, 'no commit held');
    assert.equal(await commitsInLog(mo, charter), 1, 'nothing reached the log');

    // A hostile client that signs an access list anyway is refused by the relay (403 not_authorised).
    const before = (await mo.relay.membership(charter.channelId))!;
    const stored = openMembership(before);
    assert.ok(stored.ok);
    const forged = signMembership({ channelId: charter.channelId, version: stored.value.version + 1, members: [mo.deviceKey] }, mo.device.signer);
    await assert.rejects(mo.relay.putMembership(charter.channelId, forged.bytes), (e: unknown) => e instanceof RelayRequestError && e.status === 403 && e.code === 'not_authorised');
    assert.deepEqual(await mp.relay.membership(charter.channelId), before, 'the relay kept the list it had');

    // A revocation: a member without the role leaves the removal to those who may make it.
    await revokeOperator(h, mp, mo);
    await eventually('Washington\'s operator sees the revocation', async () => {
      await caughtUp(wo, charter);
      return wo.directory.entry(mo.deviceKey)?.revoked === true ? true : undefined;
    });
    assert.deepEqual(await removeRevokedMembers(wo), []);
    assert.equal(wo.groups.pending(charter.channelId), undefined, 'no commit held');
    assert.equal(await commitsInLog(wo, charter), 1, 'nothing reached the log');
  } finally {
    for (const t of [wp, mp, wo, mo]) t.close();
    await h.close();
  }
});

test('a member without the admin role that bypasses its terminal and commits a removal: every member applies it and names the sender', async () => {
  const h = await hotline();
  const [wp, mp, wo, mo] = [h.open('wp'), h.open('mp'), h.open('wo'), h.open('mo')];
  try {
    const charter = await openedByWashington(h, wp, [mp, wo, mo]);
    for (const t of [mp, mo]) await caughtUp(t, charter);

    // Moscow's operator builds the MLS remove of Washington's operator itself and submits it.
    const state = mo.groups.load(charter.channelId)!;
    const leaf = state.ratchetTree.findIndex((n, i) => i % 2 === 0 && n?.nodeType === nodeTypes.leaf && toHex((n.leaf.credential as { identity: Uint8Array }).identity) === toHex(wo.deviceKey));
    const commit = await createCommit({ context: await mo.context(charter), state, ratchetTreeExtension: true, extraProposals: [{ proposalType: defaultProposalTypes.remove, remove: { removed: leaf / 2 } }] });
    await mo.relay.submit(charter.channelId, encodeEnvelope({ kind: EnvelopeKind.handshake, channelId: charter.channelId, commitment: new Uint8Array(32), payload: encode(mlsMessageEncoder, commit.commit) }));

    for (const t of [wp, mp]) {
      const alert = await eventually('the commit to be named', async () => {
        await t.refresh();
        return (await syncChannel(t, charter)).alerts.find((a) => a.code === 'unauthorised_member_change');
      });
      assert.match(alert.message, new RegExp(toHex(mo.deviceKey).slice(0, 16)), 'naming the sender');
      assert.ok(!memberKeys(t.groups.load(charter.channelId)!).some((k) => toHex(k) === toHex(wo.deviceKey)), 'applied, so the group stays one group');
    }
    await say(wp, charter, 'after the rogue commit');
    await eventually('the members still read each other', async () => {
      await caughtUp(mp, charter);
      return transcript(mp, charter).some((l) => l.text === 'after the rogue commit') ? true : undefined;
    });
  } finally {
    for (const t of [wp, mp, wo, mo]) t.close();
    await h.close();
  }
});

test('two revoked devices in one channel: one removal commit each, and the access list drops both', async () => {
  const h = await hotline();
  const [wp, mp, wo, mo] = [h.open('wp'), h.open('mp'), h.open('wo'), h.open('mo')];
  try {
    const charter = await openedByWashington(h, wp, [mp, wo, mo]);
    await revokeDevice(wp, new KeyStore(h.homes.wp).party(), wo.deviceKey, 'left the service');
    await revokeOperator(h, mp, mo);
    await eventually('Moscow\'s directory shows both revocations', async () => {
      await mp.refresh();
      return mp.directory.entry(wo.deviceKey)?.revoked === true ? true : undefined;
    });
    const removed: string[] = [];
    await eventually('both removed', async () => {
      await caughtUp(mp, charter);
      removed.push(...(await removeRevokedMembers(mp)).map((r) => r.deviceKey));
      return removed.length === 2 ? true : undefined;
    });
    assert.deepEqual(removed.sort(), [toHex(wo.deviceKey), toHex(mo.deviceKey)].sort());
    await caughtUp(mp, charter);
    assert.equal(await commitsInLog(mp, charter), 3, 'the opening commit and one removal commit per revoked device');
    const list = openMembership((await mp.relay.membership(charter.channelId))!);
    assert.ok(list.ok);
    assert.deepEqual(list.value.members.map(toHex).sort(), [toHex(wp.deviceKey), toHex(mp.deviceKey)].sort());
  } finally {
    for (const t of [wp, mp, wo, mo]) t.close();
    await h.close();
  }
});
