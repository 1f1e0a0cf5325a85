/**
 * Receipts carry cosignatures (log.md §7): a tlog-proof fetched from a relay with two real
 * witnesses (in-process tlog-witness servers, each with its own database and consistency
 * checks) verifies offline with nothing but the tlog-policy text — the log key and the
 * witnesses' keys — and fails with quorum_not_met once a cosignature line is stripped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafHash, parsePolicy, verifierKeyOf, verifyTlogProof, parseVerifierKey } from '@hotline/log';
import { decodeRecord, EnvelopeKind, encodeEnvelope, generatePartyRoot, issueDeviceCertificate, partyRootSigner, signerFor, signMembership } from '@hotline/protocol';
import { silentLogger, startRelay, type RelayOptions, type RunningRelay } from '@hotline/relay';
import { RelayClient, RelayRequestError } from '@hotline/relay/client';
import { startWitness, type RunningWitness } from '@hotline/witness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /v1/proof/<index> until it is served (404 not_yet_checkpointed until the quorum covers it). */
async function receipt(client: RelayClient, index: number): Promise<string> {
  for (let i = 0; i < 400; i++) {
    try {
      return await client.text(`/v1/proof/${index}`);
    } catch (error) {
      if (!(error instanceof RelayRequestError) || error.code !== 'not_yet_checkpointed') throw error;
    }
    await sleep(25);
  }
  throw new Error(`no receipt for log index ${index}`);
}

test('a receipt from /v1/proof is cosigned: it verifies under the witness policy alone, and not without a cosignature', { timeout: 60_000 }, async () => {
  const temp = (name: string) => mkdtempSync(join(tmpdir(), `hotline-receipt-${name}-`));
  const dirs = { relay: temp('relay'), w1: temp('w1'), w2: temp('w2') };
  const root = generatePartyRoot('washington');
  const base: RelayOptions = { dataDir: dirs.relay, partyRoots: [verifierKeyOf(root)], checkpointIntervalMs: 20, logger: silentLogger };
  const witnesses: RunningWitness[] = [];
  let relay: RunningRelay | undefined;
  try {
    // The relay's first start creates its log key; the witnesses are then told to trust it.
    const first = await startRelay(base);
    const logVkey = first.logVkey;
    await first.close();
    const logKey = parseVerifierKey(logVkey);
    assert.ok(logKey.ok);
    for (const [name, dir] of [['witness.washington.example', dirs.w1], ['witness.moscow.example', dirs.w2]] as const) {
      witnesses.push(await startWitness({ dataDir: dir, name, logs: [logKey.value] }));
    }
    // The relay's policy names where to submit; the verifier's is the same minus the URLs.
    const policyOf = (withUrls: boolean) =>
      [`log ${logVkey}`, ...witnesses.map((w, i) => `witness w${i} ${w.vkey}${withUrls ? ` ${w.url}` : ''}`), 'group both all w0 w1', 'quorum both', ''].join('\n');
    const policyText = policyOf(false);
    relay = await startRelay({ ...base, witnessPolicy: policyOf(true) });

    const device = signerFor(randomBytes(32));
    const now = Math.floor(Date.now() / 1000);
    const client = new RelayClient(relay.url);
    await client.registerDevice(issueDeviceCertificate({ party: 'washington', member: 'Operator', roles: ['operator'], deviceKey: device.publicKey, notBefore: now - 60, notAfter: now + 3600 }, partyRootSigner(root)).bytes);
    await client.login(device);
    const channelId = new Uint8Array(randomBytes(16));
    await client.putMembership(channelId, signMembership({ channelId, version: 1, members: [] }, device).bytes);
    const envelope = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(32), payload: new TextEncoder().encode('on the record') });
    const placed = await client.submit(channelId, envelope);

    const text = await receipt(client, placed.logIndex);
    const [record] = (await client.envelopes(channelId)).map((d) => d.record);
    assert.ok(record !== undefined && decodeRecord(record).ok);
    // The verifier holds the policy text and the record; nothing from the relay is trusted.
    const policy = parsePolicy(policyText);
    assert.ok(policy.ok, policy.ok ? '' : policy.error.message);
    const verified = verifyTlogProof(text, leafHash(record), policy.value);
    assert.ok(verified.ok, verified.ok ? '' : `${verified.error.code}: ${verified.error.message}`);
    assert.equal(verified.value.proof.index, placed.logIndex);

    for (const w of witnesses) {
      const stripped = text.split('\n').filter((line) => !line.startsWith(`— ${w.name} `)).join('\n');
      assert.notEqual(stripped, text, `the receipt carries ${w.name}'s cosignature`);
      const refused = verifyTlogProof(stripped, leafHash(record), policy.value);
      assert.equal(refused.ok ? 'ok' : refused.error.code, 'quorum_not_met', `without ${w.name}'s line`);
    }
  } finally {
    await relay?.close();
    await Promise.all(witnesses.map((w) => w.close()));
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  }
});
