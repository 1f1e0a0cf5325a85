/**
 * A lying proxy between the terminals and an honest relay (with real witness processes): the
 * answers a relay can falsify or withhold without touching its database, each ending in a
 * stored, named alert or condition, and never in a lost message or a blind board.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Precedence } from '@hotline/protocol';
import { KeyStore, sendMessage } from '@hotline/terminal';
import { hotline, until } from './helpers.js';
import { lyingProxy, type LyingProxy } from './lying-proxy.js';
import { openedChannel, verified, witnessedWorld, type HomeName, type WitnessedWorld } from './witnessed-world.js';

interface Json {
  alerts: { kind: string; code: string; message: string }[];
  resolved: { code: string }[];
}

async function statusJson(home: string, ...extra: string[]): Promise<{ code: number; json: Json; err: string }> {
  const r = await hotline('status', '--json', '--home', home, ...extra);
  return { code: r.code, json: JSON.parse(r.out || '{"alerts":[],"resolved":[]}') as Json, err: r.err };
}

/** Points a home at the proxy instead of the relay. */
function behind(w: WitnessedWorld, home: HomeName, proxy: LyingProxy): void {
  new KeyStore(w.homes[home]).saveConfig({ relay: proxy.url, policy: w.policy });
}

test('a receipt without a log index is malformed_receipt: the message stays in the outbox and goes out once the relay answers properly', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  const proxy = await lyingProxy(`http://127.0.0.1:${w.relayPort}`);
  try {
    const charter = await openedChannel(w);
    behind(w, 'wp', proxy);
    const submit = /^\/v1\/channels\/[0-9a-f]{32}\/envelopes$/;
    proxy.setLie((method, path) => (method === 'POST' && submit.test(path) ? { rewrite: ({ logIndex: _dropped, ...rest }) => rest } : undefined));
    const sent = await hotline('send', 'washington-moscow', 'the receipt loses its index', '--home', w.homes.wp);
    assert.equal(sent.code, 1, `a receipt that cannot be held to the log is a refusal, not a success:\n${sent.out}\n${sent.err}`);
    assert.match(sent.err, /malformed receipt/);
    const during = await statusJson(w.homes.wp);
    assert.equal(during.code, 1);
    assert.ok(during.json.alerts.some((a) => a.code === 'malformed_receipt'), JSON.stringify(during.json.alerts));
    const hidden = await statusJson(w.homes.wp, '--alerts', '0');
    assert.equal(hidden.code, 1, 'evidence on record sets the exit status however few alerts are shown');

    proxy.setLie(undefined);
    const back = await hotline('status', '--home', w.homes.wp); // resubmits: a well-formed receipt this time
    assert.doesNotMatch(back.out, /\d+ unsent/, back.out);
    const mp = w.open('mp');
    await until('Moscow verifies the message', () => verified(mp, charter, 'the receipt loses its index'));
    mp.close();
  } finally {
    await proxy.close();
    await w.close();
  }
});

test('a relay answering 502 to everything: status shows the archive (exit 3), send queues, watch --once shows the transcript', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  const proxy = await lyingProxy(`http://127.0.0.1:${w.relayPort}`);
  try {
    await openedChannel(w, 'verified before the 502s');
    behind(w, 'mp', proxy);
    proxy.setLie(() => ({ status: 502 }));
    const board = await hotline('status', '--home', w.homes.mp);
    assert.equal(board.code, 3, `${board.out}\n${board.err}`);
    assert.match(board.out, /NOT SERVING: showing the last verified state from the archive/);
    assert.match(board.out, /ALERT {5}unavailable open for .*502/);
    const watched = await hotline('watch', 'washington-moscow', '--once', '--home', w.homes.mp);
    assert.equal(watched.code, 3, watched.err);
    assert.match(watched.out, /verified before the 502s/);
    const queued = await hotline('send', 'washington-moscow', 'sent into the 502s', '--home', w.homes.mp);
    assert.equal(queued.code, 3, queued.err);
    assert.match(queued.out, /^queued \(id [0-9a-f]{64}\)/);
    await w.setClock(40_000); // past the coverage bound: the queued message is named, not just counted
    const waiting = await statusJson(w.homes.mp);
    assert.equal(waiting.code, 3, 'while the relay is not serving, a queued message is no verification failure');
    assert.ok(waiting.json.alerts.some((a) => a.code === 'unsent_overdue'), JSON.stringify(waiting.json.alerts));
    proxy.setLie(undefined);
    const after = await hotline('status', '--home', w.homes.mp);
    assert.equal(after.code, 0, `${after.out}\n${after.err}`);
    assert.match(after.out, /resolved {2}unavailable/);
  } finally {
    await proxy.close();
    await w.close();
  }
});

test('a relay that serves checkpoints but not entry bundles: one open unavailable condition, not a new one every refresh', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  const proxy = await lyingProxy(`http://127.0.0.1:${w.relayPort}`);
  try {
    const charter = await openedChannel(w);
    behind(w, 'mp', proxy);
    proxy.setLie((_method, path) => (path.startsWith('/tile/entries/') ? { status: 503 } : undefined));
    const wp = w.open('wp');
    assert.ok((await sendMessage(wp, charter, { precedence: Precedence.routine, language: 'en', text: 'needs a scan' })).receipt);
    wp.close();
    let last: Json | undefined;
    for (let i = 0; i < 4; i++) last = (await statusJson(w.homes.mp)).json;
    const open = last!.alerts.filter((a) => a.code === 'unavailable');
    assert.equal(open.length, 1, JSON.stringify(last!.alerts));
    assert.equal(last!.resolved.filter((r) => r.code === 'unavailable').length, 0, 'no flood of resolved conditions');
  } finally {
    await proxy.close();
    await w.close();
  }
});
