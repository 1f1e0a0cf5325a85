/**
 * Crash safety (issue 3): clients submit while the relay is killed with SIGKILL again and
 * again. After each restart, every acknowledged envelope must be present with the seq and log
 * index of its receipt, no seq may be skipped or duplicated, and the log must be consistent
 * with every checkpoint published before the crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  consistencyProof,
  noteVerifier,
  parseVerifierKey,
  TileHashReader,
  tilePath,
  verifyCheckpoint,
  verifyConsistency,
  type Checkpoint,
} from '@hotline/log';
import {
  decodeRecord,
  EnvelopeKind,
  encodeEnvelope,
  generatePartyRoot,
  issueDeviceCertificate,
  partyRootSigner,
  signerFor,
  signMembership,
} from '@hotline/protocol';
import { RelayClient, type Receipt } from '@hotline/relay/client';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kill, startRelayProcess, type RelayProcess } from './processes.js';

const ROUNDS = 4;
const WRITERS = 8;

interface Acked {
  readonly envelope: Uint8Array;
  readonly receipt: Receipt;
}

async function checkpointOf(client: RelayClient, logKey: string): Promise<Checkpoint | undefined> {
  const key = parseVerifierKey(logKey);
  assert.ok(key.ok);
  const text = await client.text('/checkpoint').catch(() => undefined);
  if (text === undefined) return undefined;
  const verified = verifyCheckpoint(text, { logs: [noteVerifier(key.value)] });
  assert.ok(verified.ok, 'every published checkpoint verifies');
  return verified.value.checkpoint;
}

test('acknowledged envelopes survive SIGKILL; the log stays consistent with every checkpoint', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
  const root = generatePartyRoot('washington');
  const partyArgs = ['--party', formatVerifierKey(verifierKeyOf(root)), '--data', dir, '--listen', '127.0.0.1:0', '--checkpoint-ms', '20', '--rate', '1000000', '--burst', '1000000'];
  const device = signerFor(randomBytes(32));
  const now = Math.floor(Date.now() / 1000);
  const cert = issueDeviceCertificate({ party: 'washington', member: 'Writer', roles: ['operator'], deviceKey: device.publicKey, notBefore: now - 60, notAfter: now + 86_400 }, partyRootSigner(root));
  const channelId = new Uint8Array(randomBytes(16));
  const acked: Acked[] = [];
  const checkpoints: Checkpoint[] = [];
  let relay: RelayProcess | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      relay = await startRelayProcess(partyArgs);
      const client = new RelayClient(relay.url);
      if (round === 0) {
        await client.registerDevice(cert.bytes);
        await client.login(device);
        await client.putMembership(channelId, signMembership({ channelId, version: 1, members: [] }, device).bytes);
      } else {
        await client.login(device);
      }
      const cp = await checkpointOf(client, relay.logKey);
      if (cp !== undefined) checkpoints.push(cp);
      // Writers submit until the relay dies under them; only acknowledged ones count.
      let stop = false;
      const writers = Array.from({ length: WRITERS }, async () => {
        while (!stop) {
          const envelope = encodeEnvelope({ kind: EnvelopeKind.application, channelId, commitment: new Uint8Array(randomBytes(32)), payload: new Uint8Array(randomBytes(512)) });
          try {
            acked.push({ envelope, receipt: await client.submit(channelId, envelope) });
          } catch {
            return; // connection refused or reset: the relay is gone
          }
        }
      });
      const watcher = (async () => {
        while (!stop) {
          const c = await checkpointOf(client, relay!.logKey).catch(() => undefined);
          if (c !== undefined) checkpoints.push(c);
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 400)));
      await kill(relay, 'SIGKILL');
      stop = true;
      await Promise.all([...writers, watcher]);
    }
    assert.ok(acked.length > 100, `expected a real load, got ${acked.length} acknowledged envelopes`);

    relay = await startRelayProcess(partyArgs);
    const client = new RelayClient(relay.url);
    await client.login(device);
    const stored = [];
    for (let from = 1; ; ) {
      const page = await client.envelopes(channelId, from, 1000);
      stored.push(...page);
      if (page.length < 1000) break;
      from += page.length;
    }
    const seqs = stored.map((d) => {
      const r = decodeRecord(d.record);
      assert.ok(r.ok);
      return r.value.seq;
    });
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'seqs are contiguous from 1, none duplicated or skipped');
    const bySeq = new Map(stored.map((d, i) => [seqs[i]!, d]));
    for (const { envelope, receipt } of acked) {
      const d = bySeq.get(receipt.seq);
      assert.ok(d !== undefined, `acknowledged seq ${receipt.seq} is missing after restart`);
      assert.equal(d.logIndex, receipt.logIndex, `seq ${receipt.seq} moved to another log index`);
      assert.deepEqual(Buffer.from(d.envelope), Buffer.from(envelope), `seq ${receipt.seq} holds another envelope`);
    }

    // Every checkpoint published before any crash is consistent with the log now.
    const latest = await (async () => {
      for (let i = 0; i < 200; i++) {
        const c = await checkpointOf(client, relay!.logKey);
        if (c !== undefined && c.size >= Math.max(...checkpoints.map((x) => x.size))) return c;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('no checkpoint caught up with the pre-crash ones');
    })();
    const reader = new TileHashReader(latest.size, (l, n, w) => client.bytes(`/${tilePath(l, n, w)}`));
    for (const old of checkpoints) {
      const proof = await consistencyProof(old.size, latest.size, reader);
      assert.ok(proof.ok, proof.ok ? '' : proof.error.message);
      const consistent = verifyConsistency(old.size, latest.size, proof.value, old.rootHash, latest.rootHash);
      assert.ok(consistent.ok, `checkpoint of size ${old.size} is not consistent with ${latest.size}: ${consistent.ok ? '' : consistent.error.message}`);
    }
    assert.ok(checkpoints.length >= ROUNDS, `saw ${checkpoints.length} checkpoints`);
    t.diagnostic(`${ROUNDS} kills, ${acked.length} acknowledged envelopes, ${stored.length} stored, ${checkpoints.length} checkpoints checked for consistency`);
  } finally {
    if (relay !== undefined && relay.child.exitCode === null) await kill(relay);
    rmSync(dir, { recursive: true, force: true });
  }
});
