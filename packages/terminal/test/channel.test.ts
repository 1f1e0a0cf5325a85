/**
 * Channels end to end on a real relay: a charter signed by both parties opens an MLS channel,
 * every device joins from its invitation, statements flow both ways and every terminal verifies
 * and archives the same transcript; key updates move the epoch; a restart loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, generateSignerKey, KeyType, verifierKeyOf } from '@hotline/log';
import { encodeMessageBody, Precedence, StatementType, type Charter } from '@hotline/protocol';
import { join } from 'node:path';
import { DeviceRelayClient, RelayClient } from '@hotline/relay/client';
import { acceptInvitations, addMembers, channelStatus, enrolDevice, KeyStore, MemberChangeRefused, openChannel, removeMember, sendStatement, syncChannel, Terminal, transcript, updateKeys } from '../src/index.js';
import { eventually, hotline, type Hotline } from './hotline-fixture.js';

async function joinAll(h: Hotline, homes: (keyof Hotline['homes'])[]): Promise<Record<string, Terminal>> {
  const terminals: Record<string, Terminal> = {};
  for (const home of homes) {
    const t = h.open(home);
    terminals[home] = t;
    await eventually(`${home} to join`, async () => {
      const outcome = await acceptInvitations(t);
      assert.deepEqual(outcome.refused, []);
      return outcome.joined.length === 1 ? true : undefined;
    });
  }
  return terminals;
}

/** Syncs until the terminal has verified up to `seq`. */
async function syncTo(t: Terminal, charter: Charter, seq: number) {
  return eventually(`sync to ${seq}`, async () => {
    await t.refresh();
    const outcome = await syncChannel(t, charter);
    assert.deepEqual(outcome.alerts, []);
    return (t.archive.position(charter.channelId)?.nextSeq ?? 0) > seq ? outcome : undefined;
  });
}

const message = (text: string, precedence: Precedence = Precedence.routine) => ({ type: StatementType.message, body: encodeMessageBody({ precedence, language: 'en', text }) });

test('two parties open a channel, talk both ways, and verify the same transcript', async () => {
  const h = await hotline();
  const open: Terminal[] = [];
  try {
    const wp = h.open('wp');
    open.push(wp);
    const charter = h.charter();
    const opened = await openChannel(wp, charter);
    assert.equal(opened.invited.length, 3, 'the three other devices are added');
    assert.deepEqual(opened.skipped, []);
    const others = await joinAll(h, ['wo', 'mp', 'mo']);
    open.push(...Object.values(others));

    const first = await sendStatement(wp, charter, message('Washington here. Confirm you read this line.', Precedence.flash));
    assert.ok(first.receipt !== undefined);
    const reply = await sendStatement(others['mp']!, charter, message('Moscow reads you. Line is clear.'));
    assert.ok(reply.receipt !== undefined);
    const last = Math.max(first.receipt.seq, reply.receipt!.seq);
    for (const t of [wp, ...Object.values(others)]) await syncTo(t, charter, last);

    const views = [wp, ...Object.values(others)].map((t) => transcript(t, charter).map((l) => `${l.author}|${l.precedence}|${l.text}`));
    assert.deepEqual(views[0], ['washington / Principal|FLASH|Washington here. Confirm you read this line.', 'moscow / Principal|ROUTINE|Moscow reads you. Line is clear.']);
    for (const v of views) assert.deepEqual(v, views[0], 'every terminal verified the same transcript');
    const status = channelStatus(others['mo']!, charter);
    assert.deepEqual(status.members, ['moscow / Operator', 'moscow / Principal', 'washington / Operator', 'washington / Principal']);
    assert.equal(status.head.seq, last);
    assert.equal(status.unsent, 0);

    // A key update by the Moscow operator: every terminal follows the new epoch, messages still flow.
    const epoch = status.epoch;
    const update = await updateKeys(others['mo']!, charter);
    assert.ok(update !== undefined);
    const after = await sendStatement(others['wo']!, charter, message('After the key update.'));
    for (const t of [wp, ...Object.values(others)]) await syncTo(t, charter, after.receipt!.seq);
    for (const t of [wp, ...Object.values(others)]) assert.equal(channelStatus(t, charter).epoch, epoch + 1, 'the update commit was applied everywhere');
    assert.equal(transcript(others['mp']!, charter).at(-1)!.text, 'After the key update.');

    // Restart: a reopened terminal continues from its archive and MLS state.
    others['mp']!.close();
    const mp = h.open('mp');
    open.push(mp);
    const later = await sendStatement(wp, charter, message('Still there after your restart?'));
    await syncTo(mp, charter, later.receipt!.seq);
    assert.equal(transcript(mp, charter).at(-1)!.text, 'Still there after your restart?');
    assert.deepEqual(mp.archive.alerts().filter((a) => a.channel !== null), [], 'no channel alerts on an honest relay');
  } finally {
    for (const t of open) {
      try {
        t.close();
      } catch {
        // already closed
      }
    }
    await h.close();
  }
});

test('policy_not_met: a channel whose charter demands witnesses the held checkpoint lacks shows nothing', async () => {
  const h = await hotline();
  const wp = h.open('wp');
  try {
    const witness = formatVerifierKey(verifierKeyOf(generateSignerKey('witness.example', KeyType.cosignatureV1)));
    const demanding = `${h.policy.split('\n')[0]}\nwitness w ${witness}\nquorum w\n`;
    const charter = h.charter({ witnessPolicy: demanding });
    await openChannel(wp, charter);
    await wp.refresh();
    const outcome = await syncChannel(wp, charter);
    assert.deepEqual(outcome.alerts.map((a) => a.code), ['policy_not_met']);
    assert.equal(outcome.accepted.length, 0);
  } finally {
    wp.close();
    await h.close();
  }
});

test('members added after the channel was opened, and removed: the removed device reads nothing after', async () => {
  const h = await hotline();
  const opened: Terminal[] = [];
  try {
    const wp = h.open('wp');
    opened.push(wp);
    // Open with Washington's devices only admitted (operators join later, when the charter admits… all roles here).
    const charter = h.charter();
    await openChannel(wp, charter);
    const mo = h.open('mo');
    opened.push(mo);
    const joinedMo = await eventually('mo to join', async () => ((await acceptInvitations(mo)).joined.length > 0 ? true : undefined));
    assert.ok(joinedMo);
    // A device enrolled after the opening: Moscow's duty officer.
    const late = join(h.homes.mo, '..', 'late');
    const store = new KeyStore(late);
    for (const t of new KeyStore(h.homes.wp).trusted()) store.trust(formatVerifierKey(t));
    const cert = enrolDevice(new KeyStore(h.homes.mp).party(), { deviceKey: store.device().signer.publicKey, member: 'Duty Officer', roles: ['operator'], days: 30 });
    await new RelayClient(h.relay.url).registerDevice(cert.bytes);
    store.saveCertificate(cert.bytes);
    store.saveConfig({ relay: h.relay.url, policy: h.policy });
    const officer = Terminal.open({ home: late, connect: (url, device) => new DeviceRelayClient(url, device) });
    opened.push(officer);
    await officer.topUpKeyPackages();
    await assert.rejects(addMembers(mo, charter), (e: unknown) => e instanceof MemberChangeRefused && e.code === 'not_authorised');
    const added = await eventually('the directory to cover the late device', async () => {
      const result = await addMembers(wp, charter);
      return result.invited.some((e) => e.member === 'Duty Officer') ? result : undefined;
    });
    assert.ok(added.receipt !== undefined);
    await eventually('the officer to join', async () => ((await acceptInvitations(officer)).joined.length > 0 ? true : undefined));
    const hello = await sendStatement(wp, charter, message('Welcome, duty officer.'));
    await syncTo(officer, charter, hello.receipt!.seq);
    assert.deepEqual(transcript(officer, charter).map((l) => l.text), ['Welcome, duty officer.']);

    // Remove Moscow's operator: it follows the channel up to its removal, and no further.
    await syncTo(wp, charter, hello.receipt!.seq);
    const removal = await removeMember(wp, charter, mo.deviceKey);
    const after = await sendStatement(wp, charter, message('Said after the removal.'));
    await syncTo(officer, charter, after.receipt!.seq);
    assert.equal(transcript(officer, charter).at(-1)!.text, 'Said after the removal.');
    // The relay stops serving Moscow's operator at once (it cannot read the commit that removed it).
    const codes = await eventually('mo to be refused', async () => {
      await mo.refresh();
      const outcome = await syncChannel(mo, charter);
      return outcome.alerts.some((a) => a.code === 'not_served') ? outcome.alerts.map((a) => a.code) : undefined;
    });
    assert.deepEqual(codes, ['not_served']);
    assert.ok(removal.seq > hello.receipt!.seq);
    assert.ok(!transcript(mo, charter).some((l) => l.text === 'Said after the removal.'), 'the removed device cannot read what follows');
    assert.deepEqual(channelStatus(wp, charter).members.filter((m) => m.startsWith('moscow')), ['moscow / Duty Officer', 'moscow / Principal']);
  } finally {
    for (const t of opened) t.close();
    await h.close();
  }
});
