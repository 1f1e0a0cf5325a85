/**
 * Exactly one process advances a home's MLS state (issue 11 item 1), with real processes: a
 * relay, a witness per party, `hotline terminal` on Washington's principal's home, and `hotline`
 * commands typed on the same home meanwhile. While the service runs, those commands are run by
 * it over the home's local socket, between its rounds:
 * - five `hotline send`s at once, while the service sends its own heartbeats, all arrive and all
 *   decrypt at Moscow with no alert. A ciphertext under an (epoch, generation) its sender had
 *   already used would not: the receiver's ts-mls refuses a generation it has consumed ("Desired
 *   gen in the past"), and the terminal stores that as an alert;
 * - text on standard input, a relative path, `watch` that follows until Ctrl-C, `status`;
 * - /healthz and OpenMetrics on the socket; a second service for the home is refused;
 * - a SIGKILLed service leaves its socket file: commands then run in their own process under
 *   the home's lock, and the next service replaces the file; SIGTERM removes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { decodeMessageBody, StatementType, type Charter } from '@hotline/protocol';
import { HOTLINE_BIN } from './processes.js';
import { hotline, sleep, until } from './helpers.js';
import { startService, type Service } from './services.js';
import { openedChannel, witnessedWorld, type HomeName, type WitnessedWorld } from './witnessed-world.js';

function get(socketPath: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function texts(w: WitnessedWorld, home: HomeName, charter: Charter): { texts: string[]; alerts: number; heartbeats: number } {
  const t = w.open(home);
  try {
    const all = t.archive.ofTypes(charter.channelId, [StatementType.message]).map((s) => {
      const body = decodeMessageBody(s.statement.body);
      return body.ok ? body.value.text : '?';
    });
    return { texts: all, alerts: t.archive.lastAlertId(), heartbeats: t.archive.ofTypes(charter.channelId, [StatementType.heartbeat]).length };
  } finally {
    t.close();
  }
}

/** Commands the service ran for this home, from its event log. */
function commandsRun(service: Service): { command: string; exit: number }[] {
  return service.log().split('\n').filter((l) => l.includes('"command"')).map((l) => JSON.parse(l) as { msg: string; command: string; exit: number }).filter((e) => e.msg === 'command');
}

test('while hotline terminal runs, the home\'s commands run in it over the local socket: concurrent sends and heartbeats all arrive, watch follows and stops, a crash falls back to the lock', { timeout: 240_000 }, async () => {
  const w = await witnessedWorld();
  let service: Service | undefined;
  let moscow: Service | undefined;
  try {
    const charter = await openedChannel(w, 'before the service');
    const socket = join(realpathSync(w.homes.wp), 'terminal.sock');
    moscow = await startService(w.homes.mp); // verifies and archives as envelopes arrive
    service = await startService(w.homes.wp);
    assert.equal(statSync(socket).mode & 0o777, 0o600, 'the socket is 0600');

    const health = await get(socket, '/healthz');
    assert.equal(health.status, 200);
    const facts = JSON.parse(health.body) as { ok: boolean; party: string; pid: number };
    assert.deepEqual([facts.ok, facts.party, facts.pid], [true, 'washington', service.child.pid]);
    const metrics = await get(socket, '/metrics');
    assert.match(metrics.type, /^application\/openmetrics-text/);
    assert.match(metrics.body, /^hotline_terminal_rounds_total \d+$/m);
    assert.match(metrics.body, /# EOF\n$/);

    const second = await hotline('terminal', '--home', w.homes.wp);
    assert.equal(second.code, 2, second.err);
    assert.match(second.err, /already running for this home/);

    // A forwarded command fails as it would in its own process: the same code, status and
    // line, from the one table, printed by the service.
    const missing = await hotline('send', 'no-such-channel', 'x', '--home', w.homes.wp, '--json');
    assert.equal(missing.code, 2, missing.err);
    const failure = JSON.parse(missing.err) as { error: { code: string; channel: string } };
    assert.deepEqual([failure.error.code, failure.error.channel], ['channel_not_found', 'no-such-channel']);
    assert.ok(commandsRun(service).some((c) => c.command === 'send' && c.exit === 2), 'the service ran it');

    // Heartbeats fall due (the charter's interval is an hour) while five sends arrive at once.
    const heartbeatsBefore = texts(w, 'mp', charter).heartbeats;
    await w.setClock(3_700_000);
    const sent = await Promise.all([1, 2, 3, 4, 5].map((i) => hotline('send', 'washington-moscow', `concurrent ${i}`, '--home', w.homes.wp)));
    for (const s of sent) assert.equal(s.code, 0, s.err);
    assert.equal(commandsRun(service).filter((c) => c.command === 'send' && c.exit === 0).length, 5, 'the service ran each send');

    // Text from standard input travels with the forwarded command.
    const piped = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [HOTLINE_BIN, 'send', 'washington-moscow', '--home', w.homes.wp], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => resolve({ code, out }));
      child.stdin.end('from standard input\n');
    });
    assert.equal(piped.code, 0, piped.out);

    const want = ['concurrent 1', 'concurrent 2', 'concurrent 3', 'concurrent 4', 'concurrent 5', 'from standard input'];
    await until('Moscow verifies every message', () => want.every((t) => texts(w, 'mp', charter).texts.includes(t)), 600);
    await until('Washington\'s heartbeat reaches Moscow', () => texts(w, 'mp', charter).heartbeats > heartbeatsBefore, 600);
    const atMoscow = texts(w, 'mp', charter);
    assert.equal(atMoscow.alerts, 0, 'every ciphertext decrypted at Moscow: no (epoch, generation) used twice, and nothing else wrong');
    assert.equal(new Set(atMoscow.texts).size, atMoscow.texts.length, 'nothing twice');

    // watch follows through the service until Ctrl-C, and says how it ended.
    const watch = spawn(process.execPath, [HOTLINE_BIN, 'watch', 'washington-moscow', '--home', w.homes.wp], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    watch.stdout.on('data', (d: Buffer) => (watched += d.toString()));
    const watchExit = new Promise<number | null>((resolve) => watch.once('exit', resolve));
    await until('watch starts', () => watched.includes('watching washington-moscow'), 300);
    const reply = await hotline('send', 'washington-moscow', 'a reply watch must show', '--home', w.homes.mp);
    assert.equal(reply.code, 0, reply.err);
    await until('the forwarded watch prints Moscow\'s reply', () => watched.includes('a reply watch must show'), 600);
    watch.kill('SIGINT');
    assert.equal(await watchExit, 0, 'stopped by Ctrl-C, nothing open');
    assert.ok(commandsRun(service).some((c) => c.command === 'watch' && c.exit === 0), 'the service ran the watch');
    const status = await hotline('status', '--json', '--home', w.homes.wp);
    assert.equal(status.code, 0, status.err);
    assert.equal((JSON.parse(status.out) as { device: { party: string } }).device.party, 'washington');

    // A crash leaves the socket file; nothing listens on it, so commands run in their own process.
    await service.kill();
    assert.ok(existsSync(socket), 'SIGKILL leaves the socket file');
    const alone = await hotline('send', 'washington-moscow', 'sent with no service', '--home', w.homes.wp);
    assert.equal(alone.code, 0, alone.err);
    service = await startService(w.homes.wp);
    assert.equal((await get(socket, '/healthz')).status, 200, 'the next service replaces the dead one\'s socket');
    await until('Moscow verifies the message sent with no service', () => texts(w, 'mp', charter).texts.includes('sent with no service'), 600);
    assert.equal(await service.stop(), 0);
    service = undefined;
    assert.ok(!existsSync(socket), 'SIGTERM removes the socket');
    await sleep(0);
  } finally {
    await service?.stop();
    await moscow?.stop();
    await w.close();
  }
});
