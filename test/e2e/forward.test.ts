/**
 * Forward with provenance with real processes (issue 12 item 6): a real relay and a witness per
 * party, two channels between Washington and Moscow — a direct line whose charter permits
 * forwarding to a staff line, and the staff line, whose charter permits nothing. Moscow's
 * principal forwards Washington's message from the direct line to the staff line with
 * `hotline forward`; Washington's terminal verifies the forward as it syncs and shows "origin
 * verified"; a bundle of the staff line exported from Washington's archive verifies offline and
 * shows it, in `hotline verify` and in the HTML rendering. Forwarding the other way is refused
 * before anything is signed, naming the charter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatVerifierKey, toHex, verifierKeyOf } from '@hotline/log';
import { Precedence, StatementType, type Charter } from '@hotline/protocol';
import { acceptInvitations, forwardBody, KeyStore, openChannel, sendMessage, sendStatement, syncChannel, transcript, type Terminal } from '@hotline/terminal';
import { hotline, until } from './helpers.js';
import { verified, witnessedWorld, type WitnessedWorld } from './witnessed-world.js';

const ORIGINAL = 'Washington: we are standing down the alert.';

async function open(w: WitnessedWorld, charter: Charter): Promise<void> {
  const wp = w.open('wp');
  const mp = w.open('mp');
  try {
    await openChannel(wp, charter);
    await until(`Moscow joins ${charter.name}`, async () => (await acceptInvitations(mp)).joined.some((c) => c.name === charter.name) || mp.charters.all().some((c) => c.name === charter.name && mp.archive.position(c.channelId) !== undefined));
  } finally {
    wp.close();
    mp.close();
  }
}

async function synced(t: Terminal, charter: Charter): Promise<void> {
  await t.refresh();
  await syncChannel(t, charter);
}

test('a forward verifies at the receiving terminal and in an exported bundle; a charter that permits none refuses it', { timeout: 300_000 }, async () => {
  const w = await witnessedWorld();
  try {
    const staff = w.charter({ name: 'staff-line' });
    const direct = w.charter({ name: 'direct-line', forwardTo: [staff.channelId] });
    await open(w, staff);
    await open(w, direct);

    const wp = w.open('wp');
    const mp = w.open('mp');
    let original = '';
    try {
      const sent = await sendMessage(wp, direct, { precedence: Precedence.immediate, language: 'en', text: ORIGINAL });
      assert.ok(sent.receipt, `sent: ${sent.error}`);
      original = toHex(sent.statementId).slice(0, 12);
      await until('Moscow verifies the message under a checkpoint whose log it scanned', async () => (await verified(mp, direct, ORIGINAL)) && mp.scannedSize > sent.receipt!.logIndex, 400);
    } finally {
      wp.close();
      mp.close();
    }

    const forwarded = await hotline('forward', 'direct-line', original, '--to', 'staff-line', 'Moscow: for the staff, as said on the direct line.', '--home', w.homes.mp);
    assert.equal(forwarded.code, 0, `hotline forward:\n${forwarded.out}\n${forwarded.err}`);
    assert.match(forwarded.out, new RegExp(`forwarded ${original} of direct-line to staff-line: seq \\d+`));

    const refused = await hotline('forward', 'direct-line', original, '--to', 'direct-line', '--home', w.homes.mp);
    assert.notEqual(refused.code, 0, 'a channel is no forward target of its own');
    assert.match(refused.err, /does not permit forwarding to direct-line/, refused.err);
    const back = await hotline('forward', 'staff-line', original.slice(0, 6), '--to', 'direct-line', '--home', w.homes.mp);
    assert.notEqual(back.code, 0, back.out);
    assert.match(back.err, /the charter of staff-line does not permit forwarding to direct-line/, back.err);
    assert.doesNotMatch(back.err, /^\s+at /m, 'no stack trace');

    // Washington's terminal: the forward arrives, is checked by the rules step, and shows its origin.
    const wp2 = w.open('wp');
    try {
      const verifiedLine = /FORWARD "Washington: we are standing down the alert\." — origin verified: channel direct-line, seq \d+, author washington\/Principal, checkpoint \S+ size \d+  \(Moscow: for the staff, as said on the direct line\.\)/;
      await until('Washington verifies the forward', async () => {
        await synced(wp2, staff);
        return transcript(wp2, staff).some((l) => l.type === 'forward' && verifiedLine.test(l.text) && l.valid);
      }, 400);
      assert.deepEqual(wp2.archive.alerts().filter((a) => a.code === 'forward_invalid'), [], 'no forward_invalid alert');
      // And after a cosigned checkpoint covers the forward itself, so the export can prove it.
      const seq = transcript(wp2, staff).find((l) => l.type === 'forward')!.seq;
      await until('Washington holds a checkpoint over the forward', async () => {
        await synced(wp2, staff);
        const at = wp2.archive.at(staff.channelId, seq);
        return at !== undefined && wp2.scannedSize > at.logIndex && wp2.archive.checkpoints().some((c) => c.size > at.logIndex && c.size <= wp2.scannedSize);
      }, 400);
    } finally {
      wp2.close();
    }
    const watched = await hotline('watch', 'staff-line', '--once', '--home', w.homes.wp);
    assert.match(watched.out, /origin verified: channel direct-line, seq \d+, author washington\/Principal/, `the watch line:\n${watched.out}\n${watched.err}`);

    // The record: exported from Washington's archive, verified offline, rendered.
    const bundle = join(w.base, 'staff.json');
    const exported = await hotline('export', 'staff-line', '--out', bundle, '--home', w.homes.wp);
    assert.equal(exported.code, 0, exported.err);
    const policyFile = join(w.base, 'policy.txt');
    writeFileSync(policyFile, w.policy);
    const roots = [w.homes.wp, w.homes.mp].flatMap((h) => ['--root', formatVerifierKey(verifierKeyOf(new KeyStore(h).party()))]);
    const checked = await hotline('verify', bundle, ...roots, '--policy', policyFile);
    assert.equal(checked.code, 0, `${checked.out}\n${checked.err}`);
    assert.match(checked.out, /seq \d+ forward: origin verified: channel direct-line, seq \d+, author washington\/Principal, checkpoint \S+ size \d+/, checked.out);
    assert.match(checked.out, /hotline rules: every statement keeps them/);
    if (process.env.SHOW_FORWARD === '1') console.log(`${forwarded.out}\n${back.err}\n${watched.out}\n${checked.out}`);
    const html = join(w.base, 'staff.html');
    const rendered = await hotline('render', bundle, '--html', html, ...roots, '--policy', policyFile);
    assert.equal(rendered.code, 0, `${rendered.out}\n${rendered.err}`);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /origin verified: channel direct-line/);
    assert.match(page, /standing down the alert/);

    // A forwarder that changes one byte of the original (sending past hotline forward's own
    // check): every receiver marks it invalid and raises forward_invalid, and the record says so.
    const mp2 = w.open('mp');
    let tamperedSeq = 0;
    try {
      const body = await forwardBody(mp2, direct, staff, original, '');
      body[4 + 120] = body[4 + 120]! ^ 0x01; // a byte of the original statement, inside its bytes32
      const sent = await sendStatement(mp2, staff, { type: StatementType.forward, body });
      assert.ok(sent.receipt, `sent: ${sent.error}`);
      tamperedSeq = sent.receipt.seq;
    } finally {
      mp2.close();
    }
    const wp3 = w.open('wp');
    try {
      await until('Washington judges the changed forward', async () => {
        await synced(wp3, staff);
        return (wp3.archive.position(staff.channelId)?.nextSeq ?? 0) > tamperedSeq;
      }, 400);
      const line = transcript(wp3, staff).find((l) => l.seq === tamperedSeq)!;
      assert.equal(line.valid, false, 'archived, but it counts for nothing');
      assert.match(line.text, /forward_invalid: the original statement/);
      const alert = wp3.archive.alerts().find((a) => a.code === 'forward_invalid');
      assert.ok(alert, 'the forward_invalid alert is raised');
      await until('Washington holds a checkpoint over the changed forward', async () => {
        await synced(wp3, staff);
        const at = wp3.archive.at(staff.channelId, tamperedSeq);
        return at !== undefined && wp3.archive.checkpoints().some((c) => c.size > at.logIndex && c.size <= wp3.scannedSize);
      }, 400);
    } finally {
      wp3.close();
    }
    const later = join(w.base, 'staff-later.json');
    assert.equal((await hotline('export', 'staff-line', '--out', later, '--home', w.homes.wp)).code, 0);
    const judged = await hotline('verify', later, ...roots, '--policy', policyFile);
    assert.equal(judged.code, 0, `a record of what was said, the invalid forward marked:\n${judged.out}\n${judged.err}`);
    assert.match(judged.out, new RegExp(`seq ${tamperedSeq} \\(forward_invalid\\)`));
    assert.match(judged.out, new RegExp(`seq ${tamperedSeq} forward: forward_invalid: the original statement`));
  } finally {
    await w.close();
  }
});
