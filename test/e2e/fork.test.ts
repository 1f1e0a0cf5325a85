/**
 * A fork with real processes (issue 10 item 3): the relay's database copied, and the copy run
 * as a second relay under the same log key. Washington's terminals stay on the first, Moscow's
 * move to the copy, and both sides keep sending. The witnesses cosign one history each way, so
 * every terminal ends with a named alert well before the 600 s freshness bound: `fork` at once
 * where a witness's own checkpoint is proven inconsistent with what the relay shows, and
 * `coverage_overdue` within the 30 s coverage bound otherwise, with the counterparty shown silent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Precedence } from '@hotline/protocol';
import { KeyStore, sendMessage, type Terminal } from '@hotline/terminal';
import type { Charter } from '@hotline/protocol';
import { until } from './helpers.js';
import { openedChannel, witnessedWorld, type HomeName, type WitnessedWorld } from './witnessed-world.js';


async function sendMany(t: Terminal, charter: Charter, n: number, text: string): Promise<void> {
  for (let i = 0; i < n; i++) assert.ok((await sendMessage(t, charter, { precedence: Precedence.routine, language: 'en', text: `${text} ${i}` })).receipt);
}

/** The codes a home has on record now: evidence and open conditions. */
async function alertsOf(w: WitnessedWorld, home: HomeName): Promise<string[]> {
  const t = w.open(home);
  try {
    await t.refresh();
    return [...t.archive.alerts().map((a) => a.code), ...t.conditions.current().map((c) => c.code)];
  } finally {
    t.close();
  }
}

test('a forked relay: Washington on the original, Moscow on a copy under the same key — named alerts within the coverage bound, a fork at once', { timeout: 150_000 }, async () => {
  const w = await witnessedWorld();
  try {
    const charter = await openedChannel(w, 'before the fork');
    await w.stopRelay();
    w.snapshotRelay('split');
    await w.startRelay();
    const copy = await w.startRelayCopy('split');
    for (const home of ['mp', 'mo'] as const) new KeyStore(w.homes[home]).saveConfig({ relay: copy.url, policy: w.policy });

    const wp = w.open('wp');
    const mp = w.open('mp');
    await sendMany(wp, charter, 6, 'Washington, on the original');
    await sendMany(mp, charter, 8, 'Moscow, on the copy');
    wp.close();
    mp.close();

    // Without moving the clock at all: a fork proven against a witness's own checkpoint.
    let seen: Record<'wp' | 'mp', string[]> = { wp: [], mp: [] };
    await until('a fork is named on at least one side', async () => {
      seen = { wp: await alertsOf(w, 'wp'), mp: await alertsOf(w, 'mp') };
      return seen.wp.includes('fork') || seen.mp.includes('fork');
    }, 100);
    const t = w.open(seen.mp.includes('fork') ? 'mp' : 'wp');
    const fork = t.archive.alerts().find((a) => a.code === 'fork')!;
    assert.ok(fork.evidence?.['relayCheckpoint']?.includes('\n\n') && fork.evidence?.['witnessCheckpoint']?.includes('\n\n'), 'both signed checkpoints are kept as evidence');
    assert.notEqual(fork.evidence!['relayCheckpoint'], fork.evidence!['witnessCheckpoint']);
    t.close();

    // Within the coverage bound, every terminal whose receipts the witnesses did not cover has
    // a named alert (the fork, or coverage_overdue); a side on the cosigned history has every
    // receipt proven by the log, and nothing to report about its own log.
    await w.setClock(40_000);
    for (const home of ['wp', 'mp'] as const) {
      const codes = await alertsOf(w, home);
      assert.ok(!codes.includes('stale'), 'long before the freshness bound');
      if (codes.includes('fork') || codes.includes('coverage_overdue')) continue;
      const t2 = w.open(home);
      assert.deepEqual(t2.outbox.heldReceipts().map((r) => r.seq), [], `${home} raised nothing, so every receipt it holds must be proven`);
      t2.close();
    }
  } finally {
    await w.close();
  }
});
