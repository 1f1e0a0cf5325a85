/**
 * `hotline relay --store URL`: the database where the URL says (DIR keeps only the log key),
 * a URL naming no usable backend refused before anything starts, with the reason, and a
 * PostgreSQL server that cannot be reached named without its password.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRelayProcess, stopRelayProcess } from '@hotline/relay/child';
import { runCli as run, withTempDir } from './run-cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.js');


const withDir = (work: (dir: string) => Promise<void>) => withTempDir('hotline-relay-store-', work);

test('relay --store sqlite:PATH keeps the database at PATH; DIR holds only the log key; a restart finds the same log', () => withDir(async (dir) => {
  const data = join(dir, 'relay');
  const db = join(dir, 'elsewhere', 'log.db');
  const first = await spawnRelayProcess(bin, ['--data', data, '--store', `sqlite:${db}`, '--listen', '127.0.0.1:0']);
  try {
    assert.ok(existsSync(db), 'the database is where --store says');
    assert.deepEqual(readdirSync(data), ['log.key'], 'and not in DIR');
  } finally {
    assert.equal(await stopRelayProcess(first), 0);
  }
  const again = await spawnRelayProcess(bin, ['--data', data, '--store', `sqlite:${db}`, '--listen', '127.0.0.1:0']);
  try {
    assert.equal(again.logKey, first.logKey);
    const health = (await (await fetch(`${again.url}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
  } finally {
    assert.equal(await stopRelayProcess(again), 0);
  }
}));

test('relay --store with a URL naming no backend, an empty path, a bad URL or an unreachable server is refused with the reason and no password', () => withDir(async (dir) => {
  const data = join(dir, 'relay');
  for (const [url, reason] of [
    ['mysql://db/relay', /names no backend: use sqlite:PATH/],
    ['/var/lib/relay.db', /names no backend/],
    ['sqlite:', /sqlite: needs a file path/],
    ['postgres://hotline:secret@[::1/relay', /not a valid postgres:\/\/ URL/],
  ] as const) {
    const result = await run('relay', '--data', data, '--store', url);
    assert.equal(result.code, 2, `${url}: ${result.err}`);
    assert.match(result.err, reason);
    assert.doesNotMatch(result.err, /secret/, 'a password in the URL is never echoed');
    assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
  }
  assert.equal(existsSync(data), false, 'refused before DIR was created');
  // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
  const unreachable = await run('relay', '--data', data, '--store', 'postgres://hotline:secret@127.0.0.1:1/relay');
  assert.notEqual(unreachable.code, 0);
  assert.match(unreachable.err, /cannot start the relay: cannot open PostgreSQL storage postgres:\/\/hotline:\*\*\*@127\.0\.0\.1:1\/relay/);
  assert.doesNotMatch(unreachable.err, /secret|\n\s+at /);
}));
