/**
 * Outages and a relay that stops answering, with real relay and witness processes and time
 * moved for every process through the one clock seam (issue 10 items 2, 4, 11 and 12):
 *
 * - an honest witness outage longer than the coverage bound but shorter than freshness, with
 *   traffic, raises no false alert — the receive-time bound waits for inclusion — and ends with
 *   `status` exiting 0 and the outage under `resolved`;
 * - a relay that answers 503 for its quorum checkpoint becomes `stale` once the freshness
 *   bound passes (stored, shown, exit 1) and is resolved once it serves a fresh one;
 * - a relay restored from an older copy while the witnesses refuse it: it receipts on reused
 *   indexes, which the sender's terminal proves wrong at once (`receipt_broken`), and the other
 *   party's view goes `stale` once freshness passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Precedence } from '@hotline/protocol';
import { acceptInvitations, KeyStore, sendMessage, syncChannel, transcript, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { hotline, sleep, until } from './helpers.js';
import { lyingProxy } from './lying-proxy.js';
import { openedChannel, verified, witnessedWorld } from './witnessed-world.js';


interface StatusJson {
  alerts: { kind: string; code: string; message: string }[];
  resolved: { code: string; message: string; durationSeconds: number }[];
  channels: { board: { parties: { party: string; state: string }[] } }[];
}

async function status(home: string): Promise<{ code: number; json: StatusJson | undefined; err: string }> {
  const r = await hotline('status', '--json', '--home', home);
  let json: StatusJson | undefined;
  try {
    json = JSON.parse(r.out) as StatusJson;
  } catch {
    json = undefined;
  }
  return { code: r.code, json, err: r.err };
}

async function send(t: Terminal, charter: Charter, text: string) {
  const sent = await sendMessage(t, charter, { precedence: Precedence.routine, language: 'en', text });
  assert.ok(sent.receipt !== undefined, `sent: ${sent.error}`);
  return sent.receipt;
}

function codes(list: { code: string }[] | undefined): string[] {
  return (list ?? []).map((a) => a.code);
}

test('a witness outage longer than coverage, shorter than freshness, with traffic: no false alert, and status ends at 0 with the outage resolved', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  try {
    const charter = await openedChannel(w, 'before the outage');
    await w.stopWitnesses();
    await w.setClock(360_000); // six minutes later: past the 5-minute skew the receive-time bound allows
    const wp = w.open('wp');
    await send(wp, charter, 'during the outage');
    wp.close();
    // Moscow syncs during the outage: the record lies beyond every cosigned checkpoint, so it is
    // pending — not a relay that misdated it.
    const mp = w.open('mp');
    await mp.refresh();
    const during = await syncChannel(mp, charter);
    assert.deepEqual(codes(during.alerts), [], 'nothing is raised while the record is not covered yet');
    assert.ok(during.pending > 0, 'the record waits for a cosigned checkpoint');
    mp.close();

    await w.setClock(400_000); // the receipt is now 40 s old: past coverage (30 s), within freshness (600 s)
    const outage = await status(w.homes.wp);
    assert.equal(outage.code, 1, `an uncovered receipt is shown with exit 1:\n${outage.err}`);
    assert.ok(codes(outage.json?.alerts).includes('coverage_overdue'), JSON.stringify(outage.json?.alerts));
    const moscow = outage.json!.channels[0]!.board.parties.find((p) => p.party === 'moscow')!;
    assert.equal(moscow.state, 'silent', 'the counterparty is shown silent while this terminal is cut off');

    await w.startWitnesses();
    const mo = w.open('mo');
    await acceptInvitations(mo);
    mo.close();
    const mp2 = w.open('mp');
    await send(mp2, charter, 'after the outage'); // new traffic: the relay signs and submits a new checkpoint
    mp2.close();
    let after = await status(w.homes.wp);
    for (let i = 0; i < 60 && after.code !== 0; i++) {
      await sleep(250);
      after = await status(w.homes.wp);
    }
    assert.equal(after.code, 0, `once the witnesses are back, status exits 0:\n${JSON.stringify(after.json?.alerts)}\n${after.err}`);
    assert.deepEqual(codes(after.json?.alerts), []);
    assert.ok(codes(after.json?.resolved).includes('coverage_overdue'), 'the outage is listed as resolved');
    const moscowView = await status(w.homes.mp);
    assert.equal(moscowView.code, 0, `Moscow raised nothing either:\n${JSON.stringify(moscowView.json?.alerts)}`);
    const mp3 = w.open('mp');
    assert.ok(transcript(mp3, charter).some((l) => l.text === 'during the outage'), 'the message sent during the outage is verified');
    assert.ok(!mp3.archive.alerts().some((a) => a.code === 'bad_receive_time'));
    mp3.close();
  } finally {
    await w.close();
  }
});

test('a relay that answers 503 for its quorum checkpoint is stale once freshness passes: stored, shown, exit 1; resolved when it serves a fresh one', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  const proxy = await lyingProxy(`http://127.0.0.1:${w.relayPort}`);
  try {
    const charter = await openedChannel(w, 'before the outage');
    new KeyStore(w.homes.mp).saveConfig({ relay: proxy.url, policy: w.policy });
    proxy.setLie((method, path) => (path === '/v1/quorum-checkpoint' ? { status: 503 } : undefined));
    const early = await status(w.homes.mp);
    assert.equal(early.code, 3, `within freshness, a relay that does not serve the checkpoint counts as unreachable (3):\n${early.err}`);
    assert.deepEqual(codes(early.json?.alerts), ['unavailable']);

    await w.setClock(700_000); // past the 600 s freshness bound
    const stale = await status(w.homes.mp);
    assert.equal(stale.code, 1, `stale is a stored alert with exit 1:\n${JSON.stringify(stale.json?.alerts)}\n${stale.err}`);
    assert.ok(codes(stale.json?.alerts).includes('stale'));
    const watched = await hotline('watch', 'washington-moscow', '--once', '--home', w.homes.mp);
    assert.equal(watched.code, 1, watched.err);
    assert.match(watched.out, /!! ALERT stale/, 'watch shows it too');

    proxy.setLie(undefined);
    const wp = w.open('wp');
    await send(wp, charter, 'fresh again'); // a new checkpoint, cosigned at the moved time
    wp.close();
    let after = await status(w.homes.mp);
    for (let i = 0; i < 60 && after.code !== 0; i++) {
      await sleep(250);
      after = await status(w.homes.mp);
    }
    assert.equal(after.code, 0, `a fresh cosigned checkpoint clears it:\n${JSON.stringify(after.json?.alerts)}`);
    assert.ok(codes(after.json?.resolved).includes('stale'));
    assert.ok(codes(after.json?.resolved).includes('unavailable'));
  } finally {
    await proxy.close();
    await w.close();
  }
});

test('a relay restored from an older copy while the witnesses refuse it: the sender\'s receipt is broken at once, the other side goes stale', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  try {
    const charter = await openedChannel(w, 'before the outage');
    await w.stopRelay();
    w.snapshotRelay('s0');
    await w.startRelay();
    const wp = w.open('wp');
    let last = 0;
    for (const text of ['one', 'two', 'three']) last = (await send(wp, charter, text)).logIndex;
    await until('Washington holds a cosigned checkpoint covering them', async () => {
      await wp.refresh();
      return (wp.monitor.held?.size ?? 0) > last;
    });
    wp.close();
    const mp = w.open('mp');
    await until('Moscow verified them', () => verified(mp, charter, 'three'));
    mp.close();

    await w.stopRelay();
    w.restoreRelay('s0');
    await w.startRelay();
    const wp2 = w.open('wp');
    const restored = await sendMessage(wp2, charter, { precedence: Precedence.routine, language: 'en', text: 'after the restore' });
    const reused = restored.receipt!; // the relay still receipts: on a reused seq
    wp2.close();
    assert.ok(reused.logIndex <= last, `the restored relay hands out an index its old checkpoint already covered (${reused.logIndex} ≤ ${last})`);

    // Washington's terminal proved that index already: the receipt is contradicted at once.
    const sender = await status(w.homes.wp);
    assert.equal(sender.code, 1, sender.err);
    assert.ok(codes(sender.json?.alerts).includes('receipt_broken'), JSON.stringify(sender.json?.alerts));
    const kept = w.open('wp');
    assert.ok(kept.outbox.statement(restored.envelopeHash) !== undefined, 'the statement is kept in the outbox, to be sent again');
    kept.close();

    await w.setClock(700_000);
    const other = await status(w.homes.mp);
    assert.equal(other.code, 1, other.err);
    assert.ok(codes(other.json?.alerts).includes('stale'), JSON.stringify(other.json?.alerts));
  } finally {
    await w.close();
  }
});
