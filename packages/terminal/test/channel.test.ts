/**
 * Channels end to end on a real relay: a charter signed by both parties opens an MLS channel,
 * every device joins from its invitation, statements flow both ways and every terminal verifies
 * and archives the same transcript; key updates move the epoch; a restart loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, generateSignerKey, KeyType, verifierKeyOf } from '@hotline/log';
import { encodeMessageBody, Precedence, StatementType, type Charter } from '@hotline/protocol';
import { acceptInvitations, channelStatus, openChannel, sendStatement, syncChannel, transcript, updateKeys, type Terminal } from '../src/index.js';
import { hotline, type Hotline } from './hotline-fixture.js';

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
