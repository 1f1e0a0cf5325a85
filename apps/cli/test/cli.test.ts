/** The hotline command: help, usage errors and the log demo, in-process and as a real process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli as run } from './run-cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.js');


test('--help explains the commands and exit codes', async () => {
  const { code, out } = await run('--help');
  assert.equal(code, 0);
  assert.match(out, /demo/);
  assert.match(out, /Exit status: 0 on success; 1 on a verification failure or an open evidence alert\s+\(or an open stale or coverage_overdue condition\); 2 on bad usage; 3 when the relay\s+cannot be reached or is not serving/);
  assert.equal((await run()).code, 2, 'no command is a usage error');
});

test('unknown commands and options are usage errors (exit 2) with a clear message', async () => {
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
  const option = await run('demo', 'log', '--entires', '5');
  assert.equal(option.code, 2);
  assert.match(option.err, /unknown option --entires/);
  const range = await run('demo', 'log', '--entries', '0');
  assert.equal(range.code, 2);
  assert.match(range.err, /--entries must be between 1 and 1000000/);
  const notYet = await run('leak-check');
  assert.equal(notYet.code, 2);
  assert.match(notYet.err, /not built yet/);
  const noCommand = await run('channel');
  assert.equal(noCommand.code, 2);
  assert.match(noCommand.err, /channel needs a command/);
});

test('the demo verifies the honest receipt and names each tampering', async () => {
  const { code, out } = await run('demo', 'log', '--entries', '300', '--json');
  assert.equal(code, 0);
  const report = JSON.parse(out) as { checks: { what: string; expected: string; got: string }[]; receipt: string };
  assert.deepEqual(report.checks.map((c) => c.got), ['ok', 'root_mismatch', 'bad_signature', 'quorum_not_met']);
  assert.match(report.receipt, /^c2sp\.org\/tlog-proof@v1\nindex 150\n/);
});

test('the installed binary runs the demo as a real process', () => {
  const result = spawnSync(process.execPath, [bin, 'demo', 'log', '--entries', '20'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Every honest check passed and every tampering was caught/);
  assert.match(result.stdout, /CAUGHT\s+Moscow cosignature withheld\s+quorum_not_met/);
});

test('server commands refuse bad configuration with exit 2 and a one-line reason', async () => {
  const noLog = await run('witness', '--data', '/tmp/hotline-cli-test-unused');
  assert.equal(noLog.code, 2);
  assert.match(noLog.err, /at least one --log VKEY is required/);
  const badWitness = await run('relay', '--data', '/tmp/hotline-cli-test-unused', '--witness', 'nourl');
  assert.equal(badWitness.code, 2);
  assert.match(badWitness.err, /--witness must be URL=VKEY/);
  const badListen = await run('relay', '--data', '/tmp/hotline-cli-test-unused', '--listen', 'localhost');
  assert.equal(badListen.code, 2);
  assert.match(badListen.err, /--listen must be HOST:PORT/);
  assert.match((await run('witness', '--help')).out, /c2sp\.org\/tlog-witness/);
});

test('hotline party: create, export, trust and list in a home directory', async () => {
  const { mkdtempSync, rmSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const washington = mkdtempSync(join(tmpdir(), 'hotline-cli-wa-'));
  const moscow = mkdtempSync(join(tmpdir(), 'hotline-cli-mow-'));
  try {
    const created = await run('party', 'create', 'washington', '--home', washington, '--json');
    assert.equal(created.code, 0, created.err);
    const { vkey } = JSON.parse(created.out) as { vkey: string };
    assert.match(vkey, /^washington\+[0-9a-f]{8}\+/);
    assert.equal(statSync(join(washington, 'party.key')).mode & 0o777, 0o600);
    assert.equal((await run('party', 'export', '--home', washington)).out, vkey);
    assert.equal((await run('party', 'create', 'moscow', '--home', moscow)).code, 0);
    const pinned = await run('party', 'trust', vkey, '--home', moscow, '--json');
    assert.equal(pinned.code, 0, pinned.err);
    assert.deepEqual(JSON.parse(pinned.out), { party: 'washington', vkey });
    const listed = JSON.parse((await run('party', 'list', '--home', moscow, '--json')).out) as { party: string; trusted: string[] };
    assert.deepEqual(listed.trusted, [listed.party, vkey], 'its own root is pinned at creation, then the counterparty');
    const again = await run('party', 'create', 'washington', '--home', washington);
    assert.equal(again.code, 2);
    assert.match(again.err, /already administers a party/);
    const bad = await run('party', 'trust', 'washington+00000000+AAAA', '--home', moscow);
    assert.equal(bad.code, 2);
    assert.equal((await run('party', 'frobnicate', '--home', moscow)).code, 2);
  } finally {
    rmSync(washington, { recursive: true, force: true });
    rmSync(moscow, { recursive: true, force: true });
  }
});

test('--log-format takes json or text, and nothing else (exit 2, nothing started)', async () => {
  const { formatVerifierKey, generateSignerKey, verifierKeyOf } = await import('@hotline/log');
  const logKey = formatVerifierKey(verifierKeyOf(generateSignerKey('relay.example/log')));
  const attempts = [
    ['relay', '--data', '/nonexistent-hotline-dir'],
    ['witness', '--data', '/nonexistent-hotline-dir', '--log', logKey],
    ['terminal', '--home', '/nonexistent-hotline-home'],
  ];
  for (const argv of attempts) {
    const bad = await run(...argv, '--log-format', 'yaml');
    assert.equal(bad.code, 2, `${argv[0]}: ${bad.err}`);
    assert.match(bad.err, /--log-format must be json or text, got "yaml"/, argv[0]);
  }
  const { textLogger, jsonLogger } = await import('@hotline/relay');
  const lines: string[] = [];
  textLogger((l) => lines.push(l)).log('info', 'add-checkpoint', { status: 200, origin: 'relay.example/log', note: 'two\nlines' });
  assert.match(lines[0]!, /^\S+Z info add-checkpoint status=200 origin=relay\.example\/log note="two\\nlines"\n$/, 'one line, whatever a field holds');
  jsonLogger((l) => lines.push(l)).log('warn', 'alert', { code: 'fork' });
  assert.deepEqual(Object.keys(JSON.parse(lines[1]!) as object), ['time', 'level', 'msg', 'code']);
});
