/**
 * Witnesses as separate processes (issue 4): a relay and two `hotline witness` processes
 * interoperate over HTTP, and a terminal's LogMonitor accepts the quorum checkpoints. Then the
 * fork test: the relay's database is rolled back to an earlier copy and grows another history
 * under the same log key; the witnesses refuse to cosign it (409, then 422), and a client that
 * saw the first history raises the fork alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consistencyProof, formatVerifierKey, LogMonitor, parsePolicy, TileHashReader, tilePath, verifierKeyOf, type Policy } from '@hotline/log';
import { EnvelopeKind, encodeEnvelope, generatePartyRoot, issueDeviceCertificate, partyRootSigner, signerFor, signMembership, type Signer } from '@hotline/protocol';
import { RelayClient } from '@hotline/relay/client';
import { formatAddCheckpoint } from '@hotline/witness';
import { kill, startRelayProcess, startWitnessProcess, type HotlineProcess, type RelayProcess } from './processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function policy(logKey: string, witnessKeys: readonly string[], quorum: 'all' | 'none'): Policy {
  const lines = [`log ${logKey}`, ...witnessKeys.map((k, i) => `witness w${i} ${k}`)];
  lines.push(quorum === 'all' ? `group all-of-them all ${witnessKeys.map((_, i) => `w${i}`).join(' ')}` : '', quorum === 'all' ? 'quorum all-of-them' : 'quorum none');
  const parsed = parsePolicy(lines.join('\n'));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return parsed.value;
}

function monitorFor(client: RelayClient, p: Policy, path: string): LogMonitor {
  return new LogMonitor(p, { fetchCheckpoint: () => client.text(path), fetchTile: (l, n, w) => client.bytes(`/${tilePath(l, n, w)}`) }, { freshnessSeconds: 3600 });
}

async function submitMany(client: RelayClient, channelId: Uint8Array, n: number, tag: string): Promise<number> {
  let last = 0;
  for (let i = 0; i < n; i++) {
    const envelope = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(randomBytes(32)), payload: new TextEncoder().encode(`${tag} ${i}`) });
    last = (await client.submit(channelId, envelope)).logIndex;
  }
  return last + 1;
}

async function quorumCovers(client: RelayClient, p: Policy, size: number): Promise<void> {
  const m = monitorFor(client, p, '/v1/quorum-checkpoint');
  for (let i = 0; i < 400; i++) {
    const r = await m.update();
    if (r.ok && r.value.checkpoint.size >= size) return;
    await sleep(25);
  }
  throw new Error(`no quorum checkpoint reached size ${size}`);
}

test('relay + two witness processes: quorum checkpoints verify; a rolled-back relay is refused and caught as a fork', { timeout: 120_000 }, async () => {
  const root = generatePartyRoot('washington');
  const dirs = { relay: mkdtempSync(join(tmpdir(), 'hotline-e2e-relay-')), w1: mkdtempSync(join(tmpdir(), 'hotline-e2e-w1-')), w2: mkdtempSync(join(tmpdir(), 'hotline-e2e-w2-')), snapshot: mkdtempSync(join(tmpdir(), 'hotline-e2e-snap-')) };
  const processes: HotlineProcess[] = [];
  const baseArgs = ['--data', dirs.relay, '--listen', '127.0.0.1:0', '--party', formatVerifierKey(verifierKeyOf(root)), '--checkpoint-ms', '20', '--rate', '100000', '--burst', '100000'];
  try {
    // First start: the relay creates its log key; the witnesses are told to trust it.
    const first = await startRelayProcess(baseArgs);
    const logKey = first.logKey;
    await kill(first, 'SIGTERM');
    const w1 = await startWitnessProcess(['--data', dirs.w1, '--listen', '127.0.0.1:0', '--log', logKey, '--name', 'witness.washington.example']);
    const w2 = await startWitnessProcess(['--data', dirs.w2, '--listen', '127.0.0.1:0', '--log', logKey, '--name', 'witness.moscow.example']);
    processes.push(w1, w2);
    const witnessArgs = ['--witness', `${w1.url}=${w1.info['vkey']}`, '--witness', `${w2.url}=${w2.info['vkey']}`];
    const full = policy(logKey, [w1.info['vkey']!, w2.info['vkey']!], 'all');
    const logOnly = policy(logKey, [], 'none');

    let relay: RelayProcess = await startRelayProcess([...baseArgs, ...witnessArgs]);
    processes.push(relay);
    const device: Signer = signerFor(randomBytes(32));
    const now = Math.floor(Date.now() / 1000);
    let client = new RelayClient(relay.url);
    await client.registerDevice(issueDeviceCertificate({ party: 'washington', member: 'Operator', roles: ['operator'], deviceKey: device.publicKey, notBefore: now - 60, notAfter: now + 3600 }, partyRootSigner(root)).bytes);
    await client.login(device);
    const channelId = new Uint8Array(randomBytes(16));
    await client.putMembership(channelId, signMembership({ channelId, version: 1, members: [] }, device).bytes);
    const s0 = await submitMany(client, channelId, 10, 'before snapshot');
    await quorumCovers(client, full, s0);

    // Snapshot the relay's state at s0, then grow the honest history to s1.
    await kill(relay, 'SIGTERM');
    cpSync(dirs.relay, dirs.snapshot, { recursive: true });
    relay = await startRelayProcess([...baseArgs, ...witnessArgs]);
    processes.push(relay);
    client = new RelayClient(relay.url);
    await client.login(device);
    const s1 = await submitMany(client, channelId, 10, 'honest');
    await quorumCovers(client, full, s1);
    const watcher = monitorFor(client, logOnly, '/checkpoint');
    const seen = await watcher.update();
    assert.ok(seen.ok && seen.value.checkpoint.size >= s1, 'the client holds the honest history');

    // Roll the database back to s0 and grow a different history, same log key.
    await kill(relay, 'SIGTERM');
    rmSync(dirs.relay, { recursive: true, force: true });
    cpSync(dirs.snapshot, dirs.relay, { recursive: true });
    relay = await startRelayProcess([...baseArgs, ...witnessArgs]);
    processes.push(relay);
    const rogue = new RelayClient(relay.url);
    await rogue.login(device);
    const s2 = await submitMany(rogue, channelId, 25, 'rewritten');
    assert.ok(s2 > s1);
    await sleep(500); // the rogue relay has tried to get its checkpoints cosigned

    // The witnesses refused: 409 (they hold s1), then 422 (no consistency from s1).
    const metrics = await rogue.text('/metrics');
    assert.match(metrics, /hotline_witness_requests_total\{witness="w1",status="422"\} [1-9]/);
    assert.doesNotMatch(metrics, /hotline_witness_requests_total\{witness="w1",status="200"\}/);
    await assert.rejects(rogue.text('/v1/quorum-checkpoint'), /503/);
    const forged = await rogue.text('/checkpoint');
    const forgedSize = Number(forged.split('\n')[1]);
    const proof = await consistencyProof(s1, forgedSize, new TileHashReader(forgedSize, (l, n, w) => rogue.bytes(`/${tilePath(l, n, w)}`)));
    assert.ok(proof.ok);
    const direct = await fetch(`${w1.url}/add-checkpoint`, { method: 'POST', body: formatAddCheckpoint(s1, proof.value, forged) });
    assert.equal(direct.status, 422, 'asked directly, the witness refuses the rewritten history');

    // The client that saw the honest history: with witnesses, no quorum; without, a fork.
    assert.equal((await monitorFor(rogue, full, '/checkpoint').update()).ok, false);
    const verdict = await monitorFor(rogue, full, '/checkpoint').update();
    assert.equal(verdict.ok ? 'ok' : verdict.error.code, 'quorum_not_met');
    const forkVerdict = await new LogMonitor(logOnly, { fetchCheckpoint: () => rogue.text('/checkpoint'), fetchTile: (l, n, w) => rogue.bytes(`/${tilePath(l, n, w)}`) }, { freshnessSeconds: 3600 }, watcher.held).update();
    assert.equal(forkVerdict.ok ? 'ok' : forkVerdict.error.code, 'fork');
  } finally {
    for (const p of processes) if (p.child.exitCode === null) await kill(p, 'SIGKILL');
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  }
});
