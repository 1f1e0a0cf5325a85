/**
 * `hotline relay --nats URL`: only beside a postgres:// store, only a nats:// URL — refused
 * before anything starts, with the reason and no stack trace. An unreachable NATS is not a
 * refusal (the relay polls); that, and nodes sharing a database, are tested in
 * packages/relay/test/cluster/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli as run, withTempDir } from './run-cli.js';

test('relay --nats without a postgres:// store, or with a URL that is not nats://, is a usage error', () => withTempDir('hotline-relay-nats-', async (dir) => {
  const data = join(dir, 'relay');
  for (const [args, reason] of [
    [['--nats', 'nats://127.0.0.1:4222'], /--nats is for several relays on one PostgreSQL store: give --store postgres:\/\/… as well/],
    [['--store', `sqlite:${join(dir, 'r.db')}`, '--nats', 'nats://127.0.0.1:4222'], /--nats is for several relays on one PostgreSQL store/],
    [['--store', 'postgres://hotline@127.0.0.1:1/relay', '--nats', 'http://127.0.0.1:4222'], /--nats must be nats:\/\/HOST:PORT, got "http:\/\/127\.0\.0\.1:4222"/],
    [['--store', 'postgres://hotline@127.0.0.1:1/relay', '--nats', 'nats://127.0.0.1:4222,nonsense'], /--nats must be nats:\/\/HOST:PORT, got "nonsense"/],
  ] as const) {
    const result = await run('relay', '--data', data, ...args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.err}`);
    assert.match(result.err, reason);
    assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
  }
  assert.equal(existsSync(data), false, 'refused before DIR was created');
  const help = await run('relay', '--help');
  assert.match(help.out, /--nats URL/);
  assert.match(help.out, /copy its DIR\/log\.key/);
}));
