/**
 * Coded errors (errors.ts): the relay's failures read by code and status, never by message; a
 * catch-up's wrapper read as its cause; a home whose write lock another connection holds is
 * `home_busy` where the lock is taken — with a real SQLite lock and a real refused connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayClient, RelayRequestError } from '@hotline/relay/client';
import { CatchUpError, codedError, HotlineError, isRelayAnswer, isRelayUnavailable, relayFailure, TERMINAL_ERROR_CODES } from '../src/index.js';
import { Exclusive, openTerminalDb } from '../src/store/terminal-db.js';

test('a relay that cannot be reached is relay_unreachable, named with its URL', async () => {
  const error = await new RelayClient('http://127.0.0.1:1').text('/checkpoint').then(
    () => assert.fail('port 1 answered'),
    (e: unknown) => e,
  );
  assert.equal(isRelayUnavailable(error), true);
  assert.equal(isRelayAnswer(error), false);
  const coded = relayFailure(error);
  assert.equal(coded?.code, 'relay_unreachable');
  assert.equal(coded?.message, 'cannot reach the relay at http://127.0.0.1:1');
});

test("a relay's answer is read by its status and code: refused, or not serving", () => {
  const refused = relayFailure(new RelayRequestError(403, 'not_authorised', 'no member-change role', 'http://relay.example'));
  assert.equal(refused?.code, 'relay_refused');
  assert.deepEqual(refused?.subject.relay, { status: 403, code: 'not_authorised' });
  assert.equal(refused?.message, 'the relay refused: 403 not_authorised: no member-change role');
  for (const status of [500, 503, 429]) {
    const busy = new RelayRequestError(status, 'unavailable', 'try later', 'http://relay.example');
    assert.equal(isRelayUnavailable(busy), true, String(status));
    const coded = relayFailure(busy);
    assert.equal(coded?.code, 'relay_not_serving', String(status));
    assert.equal(coded?.message, `the relay at http://relay.example is not serving: ${status} unavailable: try later`);
  }
  const timeout = relayFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  assert.equal(timeout?.code, 'relay_timeout');
  assert.equal(relayFailure(new Error('a bug')), undefined, 'an error without a code is not a relay failure');
});

test("a catch-up's failure is read as its cause", () => {
  const cause = new RelayRequestError(404, 'not_found', 'no such channel');
  const wrapped = new CatchUpError(cause, []);
  assert.equal(codedError(wrapped)?.code, 'relay_refused');
  assert.equal(isRelayAnswer(wrapped), true);
  const own = new HotlineError('frozen', 'frozen by a principal', { channel: 'hotline' });
  assert.equal(codedError(new CatchUpError(own, [])), own);
  assert.equal(codedError(new CatchUpError(new TypeError('x is undefined'), [])), undefined);
});

test("a home whose write lock another process holds is home_busy, and nothing runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-busy-'));
  const holder = openTerminalDb(join(dir, 'terminal.db'));
  const waiter = openTerminalDb(join(dir, 'terminal.db'));
  try {
    holder.exec('BEGIN IMMEDIATE');
    waiter.pragma('busy_timeout = 50'); // the real 30 s, shortened for the test
    let ran = false;
    await assert.rejects(
      new Exclusive(waiter).run(async () => {
        ran = true;
      }),
      (e: unknown) => e instanceof HotlineError && e.code === 'home_busy',
    );
    assert.equal(ran, false);
    holder.exec('ROLLBACK');
    assert.equal(await new Exclusive(waiter).run(async () => 'free'), 'free', 'once the lock is free, work runs');
  } finally {
    holder.close();
    waiter.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the codes are distinct snake_case words', () => {
  assert.equal(new Set(TERMINAL_ERROR_CODES).size, TERMINAL_ERROR_CODES.length);
  for (const code of TERMINAL_ERROR_CODES) assert.match(code, /^[a-z]+(_[a-z]+)*$/);
});
