/**
 * The always-on terminal (issue 11 item 1) with real processes: a relay, a witness per party,
 * and `hotline terminal` running for Washington's and Moscow's principals, all on one clock
 * file that the test moves. With no command typed on the receiving side:
 *
 * - a FLASH wakes Moscow's `--on-message` hook, with the statement id and precedence in its
 *   environment and the text only on its standard input (`--with-text`); a ROUTINE does not;
 * - `hotline send` from the CLI while Washington's service runs on the same home: both the
 *   service's statements and the CLI's arrive, each ciphertext under its own MLS generation;
 * - an unacknowledged FLASH fires Washington's `--on-alarm` once per level as time passes;
 * - heartbeats go out on the charter's schedule;
 * - the relay killed and restarted: nothing lost, nothing twice, in either archive or feed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessageBody, StatementType, type Charter } from '@hotline/protocol';
import { startService, type Service } from './services.js';
import { hotline, sleep, until } from './helpers.js';
import { openedChannel, witnessedWorld, type HomeName, type WitnessedWorld } from './witnessed-world.js';

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** The messages' texts in a home's archive, in seq order, and the feed's statement events. */
function archived(w: WitnessedWorld, home: HomeName, charter: Charter): { texts: string[]; feedSeqs: number[]; heartbeatsFrom: (party: string) => number } {
  const t = w.open(home);
  try {
    const texts = t.archive.ofTypes(charter.channelId, [StatementType.message]).map((s) => {
      const body = decodeMessageBody(s.statement.body);
      return body.ok ? body.value.text : '?';
    });
    const feedSeqs = t.archive.feed.after(0, 1_000_000).filter((e) => e.kind === 'statement' && e.channel === Buffer.from(charter.channelId).toString('hex')).map((e) => e.seq!);
    const parties = t.archive.ofTypes(charter.channelId, [StatementType.heartbeat]).map((h) => t.directory.entry(h.statement.author)?.party);
    return { texts, feedSeqs, heartbeatsFrom: (party) => parties.filter((p) => p === party).length };
  } finally {
    t.close();
  }
}

test('two running terminals: a FLASH wakes --on-message, alarms fire once per level, heartbeats go out unasked, and a relay restart loses and repeats nothing', { timeout: 240_000 }, async () => {
  const w = await witnessedWorld();
  const messages = join(w.base, 'on-message.txt');
  const texts = join(w.base, 'on-message-text.txt');
  const alarms = join(w.base, 'on-alarm.txt');
  const services: Service[] = [];
  try {
    const charter = await openedChannel(w, 'before the services');
    services.push(await startService(w.homes.mp, ['--with-text', '--on-message', `printf '%s %s %s\\n' "$HOTLINE_PRECEDENCE" "$HOTLINE_STATEMENT_ID" "$HOTLINE_CHANNEL" >> ${messages}; cat >> ${texts}`]));
    services.push(await startService(w.homes.wp, ['--on-alarm', `printf '%s %s\\n' "$HOTLINE_ALARM_CODE" "$HOTLINE_ALARM_LEVEL" >> ${alarms}`]));

    // A FLASH, sent from the CLI on the home Washington's service is running on.
    const flash = await hotline('send', 'washington-moscow', 'FLASH: confirm the line', '--precedence', 'flash', '--home', w.homes.wp);
    assert.equal(flash.code, 0, flash.err);
    const id = /statement ([0-9a-f]{64})/.exec(flash.out)![1]!;
    await until('Moscow\'s --on-message hook runs for the FLASH', () => lines(messages).some((l) => l === `flash ${id} washington-moscow`), 400);
    await until('the text reaches the hook on its standard input, as asked', () => existsSync(texts) && readFileSync(texts, 'utf8').includes('FLASH: confirm the line'), 200);
    assert.doesNotMatch(services[0]!.log(), /confirm the line/, 'never in the service log');
    const routine = await hotline('send', 'washington-moscow', 'routine traffic', '--home', w.homes.wp);
    assert.equal(routine.code, 0, routine.err);
    await until('Moscow archives the ROUTINE message', () => archived(w, 'mp', charter).texts.includes('routine traffic'), 400);
    assert.equal(lines(messages).length, 1, 'a ROUTINE message is below --on-message-precedence');

    // Nobody acknowledges the FLASH (deadline 300 s): its alarm fires once per level.
    for (const [offset, level] of [[400_000, 'overdue'], [700_000, 'escalated'], [1_300_000, 'critical']] as const) {
      await w.setClock(offset);
      await until(`the ${level} alarm`, () => lines(alarms).includes(`ack_overdue ${level}`), 400);
    }
    await sleep(600); // more rounds: nothing fires twice
    for (const level of ['overdue', 'escalated', 'critical']) assert.equal(lines(alarms).filter((l) => l === `ack_overdue ${level}`).length, 1, `${level} once`);

    // An hour later: heartbeats go out with no command typed.
    const before = archived(w, 'mp', charter).heartbeatsFrom('washington');
    await w.setClock(1_300_000 + 3_700_000);
    await until('Washington\'s next heartbeat reaches Moscow', () => archived(w, 'mp', charter).heartbeatsFrom('washington') > before, 600);

    // The relay dies and comes back; Moscow queues a message meanwhile.
    await w.stopRelay();
    const queued = await hotline('send', 'washington-moscow', 'sent while the relay was down', '--home', w.homes.mp);
    assert.equal(queued.code, 3, queued.err);
    await sleep(500);
    await w.startRelay();
    for (const home of ['wp', 'mp'] as const) await until(`${home} archives the queued message`, () => archived(w, home, charter).texts.includes('sent while the relay was down'), 600);
    for (const home of ['wp', 'mp'] as const) {
      const { texts: got, feedSeqs } = archived(w, home, charter);
      assert.equal(new Set(got).size, got.length, `${home}: no message twice in the archive`);
      for (const text of ['before the services', 'FLASH: confirm the line', 'routine traffic', 'sent while the relay was down']) assert.ok(got.includes(text), `${home} has ${text}`);
      assert.equal(new Set(feedSeqs).size, feedSeqs.length, `${home}: no statement twice in the feed`);
      assert.deepEqual(feedSeqs, [...feedSeqs].sort((a, b) => a - b), `${home}: the feed is in seq order`);
    }
    for (const s of services) assert.equal(await s.stop(), 0, `SIGTERM drains and exits 0:\n${s.log()}`);
    const logs = [...services.map((s) => s.log()), w.relay.stderr()].join('\n');
    assert.doesNotMatch(logs, /FLASH: confirm|routine traffic|sent while the relay/, 'no plaintext in any service or relay log');
    for (const line of services.flatMap((s) => s.log().split('\n')).filter((l) => l !== '')) {
      const event = JSON.parse(line) as { time: string; level: string; msg: string };
      assert.ok(event.time && event.level && event.msg, `a JSON log line with time, level and msg: ${line}`);
    }
  } finally {
    for (const s of services) await s.stop();
    await w.close();
  }
});
