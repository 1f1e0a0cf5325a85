/**
 * `hotline relay --print-key` and `hotline witness --print-key`: the keys a first start would
 * create, printed without serving, so the witnesses and the policy can be set up before the relay
 * first starts (the README's By hand order). The same key on every call, the one the server then
 * uses, and nothing else created.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyType, parseVerifierKey } from '@hotline/log';
import { loadOrCreateLogKey } from '@hotline/relay';
import { loadOrCreateWitnessKey } from '@hotline/witness';
import { runCli as run, withTempDir } from './run-cli.js';


const withDir = (work: (dir: string) => Promise<void>) => withTempDir('hotline-print-key-', work);

test('relay --print-key creates the log key (0700 DIR, 0600 file), prints it alone, and prints the same key again', () => withDir(async (dir) => {
  const data = join(dir, 'relay');
  const first = await run('relay', '--data', data, '--print-key', '--origin', 'relay.example/log');
  assert.equal(first.code, 0, first.err);
  const key = parseVerifierKey(first.out);
  assert.ok(key.ok, first.out);
  assert.equal(key.value.type, KeyType.ed25519);
  assert.equal(key.value.name, 'relay.example/log', '--origin names the log on first creation');
  assert.equal(statSync(data).mode & 0o777, 0o700);
  assert.equal(statSync(join(data, 'log.key')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(data), ['log.key'], 'no database: nothing served');
  assert.equal((await run('relay', '--data', data, '--print-key')).out, first.out);
  assert.equal(loadOrCreateLogKey(data, undefined).key.name, 'relay.example/log', 'the key the relay will sign with');
  const json = await run('relay', '--data', data, '--print-key', '--json');
  assert.deepEqual(JSON.parse(json.out), { origin: 'relay.example/log', logKey: first.out });
  const other = await run('relay', '--data', data, '--print-key', '--origin', 'relay.example/other');
  assert.equal(other.code, 2);
  assert.match(other.err, /cannot create or read the log key in .*relay: this relay's log is relay\.example\/log; it cannot serve origin relay\.example\/other/);
}));

test('witness --print-key needs no --log, creates the cosigning key, and prints it alone', () => withDir(async (dir) => {
  const data = join(dir, 'witness');
  const first = await run('witness', '--data', data, '--print-key', '--name', 'witness.example');
  assert.equal(first.code, 0, first.err);
  const key = parseVerifierKey(first.out);
  assert.ok(key.ok, first.out);
  assert.equal(key.value.type, KeyType.cosignatureV1);
  assert.equal(key.value.name, 'witness.example');
  assert.equal(statSync(data).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(data), ['witness.key'], 'no database: nothing served');
  assert.equal(statSync(join(data, 'witness.key')).mode & 0o777, 0o600);
  assert.equal((await run('witness', '--data', data, '--print-key')).out, first.out);
  assert.equal(loadOrCreateWitnessKey(data, undefined).name, 'witness.example', 'the key the witness will cosign with');
  assert.deepEqual(JSON.parse((await run('witness', '--data', data, '--print-key', '--json')).out), { name: 'witness.example', vkey: first.out });
  const serve = await run('witness', '--data', data);
  assert.equal(serve.code, 2, 'serving still needs the log to witness');
  assert.match(serve.err, /^hotline: at least one --log VKEY is required/);
}));
