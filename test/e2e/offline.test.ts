/**
 * What a user sees when the relay is away, and watch beside other commands (issue 10 items 5,
 * 6 and 10), with real relay and witness processes and the `hotline` command as a user runs it:
 *
 * - `send` with the relay stopped queues the message durably, prints `queued (id <64 hex>)`,
 *   exits 3; once the relay is back the next command sends it and the other party verifies it;
 * - `status` with the relay stopped shows the last verified board from the archive, with the
 *   outage as an open condition (exit 3);
 * - a running `watch` prints a message that `status` on the same home verified first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Precedence } from '@hotline/protocol';
import { sendMessage, transcript, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { HOTLINE_BIN } from './processes.js';
import { hotline, sleep, until } from './helpers.js';
import { openedChannel, verified, witnessedWorld, type WitnessedWorld } from './witnessed-world.js';


test('send with the relay down queues the message (exit 3) and it arrives once the relay is back; status shows the archive meanwhile', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  try {
    await openedChannel(w);
    await w.stopRelay();
    const queued = await hotline('send', 'washington-moscow', 'sent while the relay was down', '--home', w.homes.wp);
    assert.equal(queued.code, 3, queued.err);
    assert.match(queued.out, /^queued \(id [0-9a-f]{64}\)/);
    const down = await hotline('status', '--home', w.homes.wp);
    assert.equal(down.code, 3, down.err);
    assert.match(down.out, /NOT SERVING: showing the last verified state from the archive/);
    assert.match(down.out, /head seq \d+/, 'the last verified board is shown');
    assert.match(down.out, /1 unsent/, 'the queued message is shown waiting');
    assert.match(down.out, /ALERT {5}unavailable open for/, 'the outage itself, with how long it has lasted');
    const queuedJson = await hotline('send', 'washington-moscow', 'queued, as JSON', '--json', '--home', w.homes.wp);
    assert.equal(queuedJson.code, 3, queuedJson.err);
    const q = JSON.parse(queuedJson.out) as { queued: boolean; statement: string };
    assert.equal(q.queued, true);
    assert.match(q.statement, /^[0-9a-f]{64}$/);
    const once = await hotline('watch', 'washington-moscow', '--once', '--home', w.homes.mp);
    assert.equal(once.code, 3, once.err);
    assert.match(once.out, /hello/, 'watch --once prints what the archive verified');
    // A command the outage stops (its catch-up cannot run) fails with the code, not a guess from its words.
    const ack = await hotline('ack', 'washington-moscow', 'abcdef', '--json', '--home', w.homes.mp);
    assert.equal(ack.code, 3, ack.err);
    assert.equal((JSON.parse(ack.err) as { error: { code: string } }).error.code, 'relay_unreachable', ack.err);

    await w.startRelay();
    const back = await hotline('status', '--home', w.homes.wp); // the next command sends it
    assert.equal(back.code, 0, `${back.out}\n${back.err}`);
    assert.doesNotMatch(back.out, /\d+ unsent/);
    assert.match(back.out, /resolved {2}unavailable/);
    // The CLI contract (docs/spec/cli.md): whole values, not prefixes.
    const sent = await hotline('send', 'washington-moscow', 'and one more', '--home', w.homes.wp);
    assert.equal(sent.code, 0, sent.err);
    assert.match(sent.out, /^sent to washington-moscow: seq \d+, log index \d+, statement [0-9a-f]{64}$/m);
    const sentJson = JSON.parse((await hotline('send', 'washington-moscow', 'and one as JSON', '--json', '--home', w.homes.wp)).out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(sentJson).sort(), ['channel', 'duplicate', 'logIndex', 'seq', 'statement']);
    assert.match(String(sentJson['statement']), /^[0-9a-f]{64}$/);
    const json = JSON.parse((await hotline('status', '--json', '--home', w.homes.wp)).out) as { log: { root: string }; channels: { head: { chain: string } }[]; bounds: { freshnessSeconds: number; coverageSeconds: number } };
    assert.match(json.log.root, /^[0-9a-f]{64}$/);
    assert.match(json.channels[0]!.head.chain, /^[0-9a-f]{64}$/);
    assert.deepEqual(json.bounds, { freshnessSeconds: 600, coverageSeconds: 30 });
    const mp = w.open('mp');
    await until('Moscow verifies the queued message', () => verified(mp, charter(w, mp), 'sent while the relay was down'));
    mp.close();
  } finally {
    await w.close();
  }
});

function charter(_w: WitnessedWorld, t: Terminal): Charter {
  return t.charters.find('washington-moscow');
}

test('a running watch prints a message that status on the same home verified first, once', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  const watch = spawn(process.execPath, [HOTLINE_BIN, 'watch', 'washington-moscow', '--interval', '300', '--home', w.homes.mp], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
  watch.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const c = await openedChannel(w);
    await until('watch is running', () => out.includes('watching washington-moscow'), 400);
    // Interleave: a status on the watching home verifies each message before watch's next round.
    for (const text of ['first, verified by status', 'second, verified by status']) {
      const wp = w.open('wp');
      const sent = await sendMessage(wp, c, { precedence: Precedence.routine, language: 'en', text });
      assert.ok(sent.receipt);
      wp.close();
      let verified = false;
      for (let i = 0; i < 100 && !verified; i++) {
        const s = await hotline('status', '--json', '--home', w.homes.mp);
        verified = s.out.includes('"seq"') && (await (async () => {
          const mp = w.open('mp');
          try {
            return transcript(mp, c).some((l) => l.text === text);
          } finally {
            mp.close();
          }
        })());
      }
      assert.ok(verified, `status verified: ${text}`);
    }
    await until('watch prints both', () => out.includes('second, verified by status') && out.includes('first, verified by status'), 400);
    await sleep(700); // a few more rounds: nothing is printed twice
    for (const text of ['first, verified by status', 'second, verified by status']) {
      assert.equal(out.split('\n').filter((l) => l.includes(text)).length, 1, `printed once: ${text}\n${out}`);
    }
  } finally {
    // The watch may have exited already (its output then says why): wait only for a live one.
    if (watch.exitCode !== null) console.error(`watch exited ${watch.exitCode} early:\n${err}`);
    if (watch.exitCode === null && watch.signalCode === null) {
      watch.kill('SIGTERM');
      await new Promise((r) => watch.once('exit', r));
    }
    await w.close();
  }
});
