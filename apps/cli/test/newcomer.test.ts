/**
 * Issue 10, "what a new user hit": party names, home permissions, a mistyped --home or --out,
 * and server keys pasted where a party root belongs. Each bad input is refused with exit 2
 * and a sentence saying what to do, and changes nothing on disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, generateSignerKey, KeyType, parseVerifierKey, verifierKeyOf } from '@hotline/log';
import { partyNameProblem, suggestPartyName } from '@hotline/protocol';
import { silentLogger, startRelay } from '@hotline/relay';
import { runCli as run } from './run-cli.js';


async function inTemp(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-newcomer-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

test('the party-name rule: what is wrong, and a name that works derived from the input', () => {
  assert.equal(partyNameProblem('washington'), undefined);
  assert.equal(partyNameProblem('washington-dc.example/2'), undefined);
  assert.equal(partyNameProblem(''), 'it is empty');
  assert.equal(partyNameProblem('Washington DC'), 'it contains a space');
  assert.equal(partyNameProblem('a\u3000b'), 'it contains a space', 'Unicode spaces too (signed-note)');
  assert.match(partyNameProblem('us+uk') ?? '', /"\+"/);
  assert.equal(partyNameProblem('bell\u0007'), 'it contains a control character');
  assert.equal(partyNameProblem('x'.repeat(256)), 'it is longer than 255 bytes');
  assert.equal(suggestPartyName('Washington DC'), 'washington-dc');
  assert.equal(suggestPartyName('  Washington \t D.C.  '), 'washington-d.c.');
  assert.equal(suggestPartyName('US+UK'), 'us-uk');
  assert.equal(suggestPartyName('   '), undefined);
});

test('party create refuses an empty or spaced name with exit 2, the rule and a suggestion, creating nothing', async () => {
  await inTemp(async (dir) => {
    const home = join(dir, 'home');
    for (const [name, problem, suggestion] of [['Washington DC', 'it contains a space', 'washington-dc'], ['', 'it is empty', 'washington'], ['US+UK', '"+"', 'us-uk']] as const) {
      const result = await run('party', 'create', name, '--home', home);
      assert.equal(result.code, 2, result.err);
      assert.ok(result.err.includes(problem), result.err);
      assert.match(result.err, /no spaces, no "\+" and no control characters/, 'names the rule');
      assert.ok(result.err.includes(`try "${suggestion}"`), result.err);
      assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(home), false, 'bad input creates no home');
    }
    const good = await run('party', 'create', 'washington-dc', '--home', home);
    assert.equal(good.code, 0, good.err);
  });
});

test('party trust refuses a root whose name is not a party name', async () => {
  await inTemp(async (dir) => {
    assert.equal((await run('party', 'create', 'moscow', '--home', dir)).code, 0);
    const odd = formatVerifierKey(verifierKeyOf(generateSignerKey('bell\u0007', KeyType.ed25519)));
    const result = await run('party', 'trust', odd, '--home', dir);
    assert.equal(result.code, 2);
    assert.match(result.err, /is not a party name: it contains a control character/);
    assert.deepEqual(readdirSync(join(dir, 'trusted')), ['moscow.vkey'], 'nothing pinned');
  });
});

test("party trust refuses this home's relay log key and witness keys", async () => {
  await inTemp(async (dir) => {
    const logKey = formatVerifierKey(verifierKeyOf(generateSignerKey('relay.example/log', KeyType.ed25519)));
    const witnessKey = formatVerifierKey(verifierKeyOf(generateSignerKey('witness.moscow.example', KeyType.cosignatureV1)));
    const policyFile = join(dir, 'policy.txt');
    writeFileSync(policyFile, `log ${logKey}\nwitness moscow ${witnessKey}\nquorum moscow\n`);
    const home = join(dir, 'home');
    // Step 1 of init saves the relay and the policy; it talks to no relay.
    const init = await run('init', '--relay', 'http://127.0.0.1:1', '--policy', policyFile, '--home', home);
    assert.equal(init.code, 0, init.err);
    const asLog = await run('party', 'trust', logKey, '--home', home);
    assert.equal(asLog.code, 2);
    assert.match(asLog.err, /relay\.example\/log is the relay's log key in this home's witness policy, not a party root/);
    const asWitness = await run('party', 'trust', witnessKey, '--home', home);
    assert.equal(asWitness.code, 2);
    assert.match(asWitness.err, /is the key of witness moscow in this home's witness policy, not a party root/);
    assert.equal(existsSync(join(home, 'trusted')), false, 'nothing pinned');
    // Without a policy, a witness key is still refused by its type.
    const bare = join(dir, 'bare');
    assert.equal((await run('party', 'create', 'washington', '--home', bare)).code, 0);
    const typed = await run('party', 'trust', witnessKey, '--home', bare);
    assert.equal(typed.code, 2);
    assert.match(typed.err, /a witness's cosignature key \(type 0x04\), not a party root/);
  });
});

test('every command but init and party create refuses a home that does not exist, creating nothing', async () => {
  await inTemp(async (dir) => {
    const home = join(dir, 'typo');
    const vkey = formatVerifierKey(verifierKeyOf(generateSignerKey('moscow', KeyType.ed25519)));
    const commands = [
      ['party', 'export'], ['party', 'list'], ['party', 'trust', vkey], ['party', 'enrol', 'ab'.repeat(32), '--member', 'X', '--role', 'principal'],
      ['channel', 'create', 'x', '--with', 'moscow'], ['channel', 'join', '--wait', '0'], ['channel', 'list'], ['channel', 'add', 'x'], ['channel', 'remove', 'x', 'abcdef12'],
      ['send', 'x', 'hello'], ['watch', 'x', '--once'], ['status'],
      ['ack', 'x', 'abcdef123456'], ['draft', 'x', 'text'], ['drafts'], ['approve', 'abcdef123456'], ['freeze', 'x'], ['unfreeze', 'x'], ['edit', 'x', 'abcdef123456', 'text'], ['close', 'x', 'abcdef123456'],
    ];
    for (const argv of commands) {
      const result = await run(...argv, '--home', home);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
      assert.ok(result.err.includes(`no Hotline home at ${home}: run hotline init`), `${argv.join(' ')}: ${result.err}`);
      assert.match(result.err, /check --home \/ HOTLINE_HOME/);
      assert.equal(existsSync(home), false, `${argv.join(' ')} created the home`);
    }
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const notDir = await run('status', '--home', file);
    assert.equal(notDir.code, 2);
    assert.match(notDir.err, /is not a directory/);
  });
});

test('channel create refuses an --out whose directory does not exist, creating nothing', async () => {
  await inTemp(async (dir) => {
    const home = join(dir, 'home');
    assert.equal((await run('party', 'create', 'washington', '--home', home)).code, 0);
    const out = join(dir, 'no', 'such', 'dir', 'x.charter');
    const result = await run('channel', 'create', 'x', '--internal', '--out', out, '--home', home);
    assert.equal(result.code, 2);
    assert.ok(result.err.includes(`the directory ${join(dir, 'no', 'such', 'dir')} does not exist`), result.err);
    assert.equal(existsSync(join(dir, 'no')), false, 'no directory was created');
  });
});

test('a home is created 0700 and terminal.db 0600; a home open to others is refused with the fix', async () => {
  await inTemp(async (dir) => {
    const home = join(dir, 'a', 'home');
    const created = JSON.parse((await run('party', 'create', 'washington', '--home', home, '--json')).out) as { vkey: string };
    assert.equal(mode(home), 0o700);
    assert.equal(mode(join(dir, 'a')), 0o700, 'missing parents too');
    const root = parseVerifierKey(created.vkey);
    assert.ok(root.ok);
    const relay = await startRelay({ dataDir: join(dir, 'relay'), partyRoots: [root.value], logger: silentLogger });
    try {
      const policy = join(dir, 'policy.txt');
      writeFileSync(policy, `log ${relay.logVkey}\nquorum none\n`);
      const init = await run('init', '--relay', relay.url, '--policy', policy, '--member', 'Admin', '--role', 'principal', '--home', home);
      assert.equal(init.code, 0, init.err);
      const files = readdirSync(home).filter((f) => f.startsWith('terminal.db'));
      assert.ok(files.includes('terminal.db'), files.join(' '));
      for (const f of files) assert.equal(mode(join(home, f)), 0o600, `${f} holds plaintext: 0600`);

      // A database made before this rule is tightened when the home is next opened.
      chmodSync(join(home, 'terminal.db'), 0o644);
      assert.equal((await run('channel', 'list', '--home', home)).code, 0);
      assert.equal(mode(join(home, 'terminal.db')), 0o600);
      assert.deepEqual(JSON.parse((await run('channel', 'list', '--json', '--home', home)).out), { channels: [] }, 'channel list --json: no channel yet');

      chmodSync(home, 0o755);
      for (const argv of [['status'], ['party', 'list'], ['init', '--relay', relay.url], ['party', 'create', 'other']]) {
        const result = await run(...argv, '--home', home);
        assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
        assert.ok(result.err.includes(`open to other users (mode 755); run: chmod 700 ${home}`), `${argv.join(' ')}: ${result.err}`);
      }
      assert.equal(mode(home), 0o755, 'refused, not silently changed: the user decides');
      chmodSync(home, 0o700);
      assert.equal((await run('status', '--home', home)).code, 0);
    } finally {
      await relay.close();
    }
  });
});

test("the help says what 'hotline demo' is now, and how it stops", async () => {
  const help = await run('--help');
  assert.match(help.out, /demo {8}the two-party demo: starts a relay and a witness per party/);
  assert.match(help.out, /demo log {4}walk through the transparency log alone/);
  const demo = await run('demo', '--help');
  assert.match(demo.out, /until Ctrl-C\n\(or SIGTERM\): then it stops the relay and the witnesses it started, by PID/);
  assert.match(demo.out, /--exit {11}stop the servers and exit after printing/);
});
