/**
 * Issue 10: a device that has not pinned a party's root yet cannot judge an invitation to a
 * channel with that party. The invitation stays in its mailbox (it is not refused and
 * deleted), so once the root is pinned the next join accepts it. On a real relay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { acceptInvitations, KeyStore, openChannel } from '../src/index.js';
import { hotline } from './hotline-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an invitation from a party not pinned yet is kept until its root is pinned, then accepted', async () => {
  const h = await hotline();
  const washingtonRoot = new KeyStore(h.homes.wp).trusted().find((k) => k.name === 'washington')!;
  // Moscow's operator has pinned only its own party's root so far.
  rmSync(join(h.homes.mo, 'trusted', 'washington.vkey'));
  const wp = h.open('wp');
  const mo = h.open('mo');
  try {
    const charter = h.charter();
    const opened = await openChannel(wp, charter);
    assert.ok(opened.invited.some((e) => e.party === 'moscow' && e.member === 'Operator'));

    const first = await acceptInvitations(mo);
    assert.deepEqual(first.joined, []);
    assert.deepEqual(first.refused, [], 'not refused: the terminal cannot judge it yet');
    assert.equal(first.untrusted.length, 1);
    assert.match(first.untrusted[0]!, /party washington is not pinned: run hotline party trust/);
    assert.equal((await mo.relay.welcomes()).length, 1, 'the invitation is still in the mailbox');
    assert.equal(mo.charters.get(charter.channelId), undefined, 'nothing stored');
    const again = await acceptInvitations(mo);
    assert.equal(again.untrusted.length, 1, 'asking again changes nothing');

    mo.keys.trust(formatVerifierKey(washingtonRoot));
    let joined = 0;
    for (let i = 0; i < 400 && joined === 0; i++) {
      const outcome = await acceptInvitations(mo);
      assert.deepEqual(outcome.refused, []);
      assert.deepEqual(outcome.untrusted, []);
      joined = outcome.joined.length;
      if (joined === 0) await sleep(25);
    }
    assert.equal(joined, 1, 'joined once the root is pinned');
    assert.ok(mo.charters.get(charter.channelId) !== undefined);
    assert.equal((await mo.relay.welcomes()).length, 0, 'the accepted invitation is gone from the mailbox');
  } finally {
    wp.close();
    mo.close();
    await h.close();
  }
});

test('an invitation whose charter names another root than the pinned one is still refused and removed', async () => {
  const h = await hotline();
  const wp = h.open('wp');
  const mo = h.open('mo');
  try {
    // Moscow's operator pinned a different "washington": the charter's root does not match it.
    rmSync(join(h.homes.mo, 'trusted', 'washington.vkey'));
    const impostor = new KeyStore(join(h.relayDir, '..', 'impostor')).createParty('washington');
    mo.keys.trust(formatVerifierKey(verifierKeyOf(impostor)));
    await openChannel(wp, h.charter());
    const outcome = await acceptInvitations(mo);
    assert.deepEqual(outcome.untrusted, []);
    assert.match(outcome.refused[0] ?? '', /another root key for washington than the pinned one/);
    assert.equal((await mo.relay.welcomes()).length, 0, 'a faulty invitation is removed');
  } finally {
    wp.close();
    mo.close();
    await h.close();
  }
});
