/** hotline party enrol + hotline init against a real relay: two steps, one step, and refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVerifierKey } from '@hotline/log';
import { silentLogger, startRelay } from '@hotline/relay';
import { runCli as run } from './run-cli.js';


const temp = (name: string) => mkdtempSync(join(tmpdir(), `hotline-init-${name}-`));

test('a device is keyed, certified by its party, and registered at the relay', async () => {
  const admin = temp('admin');
  const device = temp('device');
  const other = temp('other');
  const relayDir = temp('relay');
  try {
    const created = JSON.parse((await run('party', 'create', 'washington', '--home', admin, '--json')).out) as { vkey: string };
    const root = parseVerifierKey(created.vkey);
    assert.ok(root.ok);
    const relay = await startRelay({ dataDir: relayDir, partyRoots: [root.value], logger: silentLogger });
    try {
      // Step 1: the device makes its key and asks to be enrolled.
      const step1 = await run('init', '--relay', relay.url, '--home', device);
      assert.equal(step1.code, 0, step1.err);
      const deviceKey = /device key ([0-9a-f]{64})/.exec(step1.out)?.[1];
      assert.ok(deviceKey !== undefined, step1.out);
      assert.equal(statSync(join(device, 'device.key')).mode & 0o777, 0o600);
      // The administrator certifies it.
      const enrolled = await run('party', 'enrol', deviceKey, '--member', 'Duty Officer', '--role', 'principal', '--role', 'operator', '--home', admin, '--json');
      assert.equal(enrolled.code, 0, enrolled.err);
      const { certificate } = JSON.parse(enrolled.out) as { certificate: string };
      // Step 2: the device registers.
      const step2 = await run('init', '--relay', relay.url, '--certificate', certificate, '--home', device);
      assert.equal(step2.code, 0, step2.err);
      assert.match(step2.out, /registered device/);
      assert.equal((await fetch(`${relay.url}/v1/devices/${deviceKey}`)).status, 200);
      // A certificate for another device is refused before anything is sent.
      const stranger = await run('init', '--relay', relay.url, '--certificate', certificate, '--home', other);
      assert.equal(stranger.code, 2);
      assert.match(stranger.err, /for another device key/);
      // One step on the administrator's own terminal.
      const self = await run('init', '--relay', relay.url, '--member', 'Admin', '--role', 'admin', '--home', admin);
      assert.equal(self.code, 0, self.err);
    } finally {
      await relay.close();
    }
    // A relay that does not trust this party refuses; an unreachable one is reported.
    const moscow = temp('moscow');
    const foreign = await startRelay({ dataDir: join(relayDir, 'foreign'), partyRoots: [], logger: silentLogger });
    try {
      await run('party', 'create', 'moscow', '--home', moscow);
      const refused = await run('init', '--relay', foreign.url, '--member', 'X', '--role', 'observer', '--home', moscow);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /relay refused the registration: 403 unknown_party/);
    } finally {
      await foreign.close();
      rmSync(moscow, { recursive: true, force: true });
    }
    const unreachable = await run('init', '--relay', 'http://127.0.0.1:1', '--member', 'X', '--role', 'observer', '--home', admin);
    assert.equal(unreachable.code, 3, 'a relay that cannot be reached is exit 3, for init as for every command');
    assert.match(unreachable.err, /^hotline: cannot reach the relay at http:\/\/127\.0\.0\.1:1$/);
  } finally {
    for (const d of [admin, device, other, relayDir]) rmSync(d, { recursive: true, force: true });
  }
});

test('init --relay repeated: every node in terminal.json, registered at the first that answers; a home with relay alone still opens', async () => {
  const admin = temp('cluster-admin');
  const relayDir = temp('cluster-relay');
  try {
    const created = JSON.parse((await run('party', 'create', 'washington', '--home', admin, '--json')).out) as { vkey: string };
    const root = parseVerifierKey(created.vkey);
    assert.ok(root.ok);
    const relay = await startRelay({ dataDir: relayDir, partyRoots: [root.value], logger: silentLogger });
    try {
      const down = 'http://127.0.0.1:1';
      const init = await run('init', '--relay', down, '--relay', `${relay.url}/`, '--member', 'Admin', '--role', 'admin', '--home', admin, '--json');
      assert.equal(init.code, 0, init.err);
      assert.equal((JSON.parse(init.out) as { registered: boolean }).registered, true, 'registered at the node that answered');
      const config = JSON.parse(readFileSync(join(admin, 'terminal.json'), 'utf8')) as { relay: string; relays: string[]; policy?: string };
      assert.equal(config.relay, down, 'relay keeps the first URL');
      assert.deepEqual(config.relays, [down, relay.url], 'relays keeps them all, in order');
      // A command goes to the node that answers.
      const status = await run('status', '--home', admin, '--json');
      assert.notEqual(status.code, 3, `the live node answered: ${status.err}`);
      // A home written before relays existed (relay alone) keeps working.
      writeFileSync(join(admin, 'terminal.json'), JSON.stringify({ relay: relay.url, ...(config.policy === undefined ? {} : { policy: config.policy }) }));
      const alone = await run('status', '--home', admin, '--json');
      assert.notEqual(alone.code, 3, alone.err);
    } finally {
      await relay.close();
    }
    const twice = await run('init', '--relay', 'http://127.0.0.1:1', '--relay', 'http://127.0.0.1:1/', '--home', admin);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /names the same relay twice/);
    const bad = await run('init', '--relay', 'ftp://x', '--home', admin);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /is not an http:\/\/ or https:\/\/ URL/);
  } finally {
    for (const d of [admin, relayDir]) rmSync(d, { recursive: true, force: true });
  }
});
