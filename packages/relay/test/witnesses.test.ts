/**
 * Witness collection from the relay's side, against stand-in witnesses: cosignatures that do
 * not verify are dropped, a hanging witness times out without blocking the others, and
 * /v1/quorum-checkpoint appears only when the policy's quorum is met.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cosigner,
  formatVerifierKey,
  generateSignerKey,
  KeyType,
  parseNote,
  signatureLine,
  utf8,
  verifierKeyOf,
  verifyCosignature,
  cosignatureVerifier,
  type SignerKey,
} from '@hotline/log';
import { RelayClient, RelayRequestError } from '../src/client/index.js';
import type { RunningRelay } from '../src/index.js';
import { enrol, envelope, eventually, openChannel, withRelay } from './fixtures.js';

/** A stand-in witness: cosigns anything (no consistency checks), or misbehaves as told. */
async function standIn(key: SignerKey, behaviour: 'cosign' | 'hang' | 'garbage' | 'wrong-key' | 'junk-then-valid'): Promise<{ url: string; vkey: string; close: () => Promise<void> }> {
  const impostor = generateSignerKey(key.name, KeyType.cosignatureV1);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (behaviour === 'hang') return; // never answers
      const body = Buffer.concat(chunks).toString();
      const note = parseNote(body.slice(body.indexOf('\n\n') + 2));
      if (!note.ok) return void res.writeHead(400).end();
      const signer = cosigner(behaviour === 'wrong-key' ? impostor : key);
      const valid = signatureLine(signer.name, signer.keyId, signer.sign(utf8(note.value.text)));
      const junk = `— ${key.name} ${Buffer.alloc(76).toString('base64')}\n`;
      const line = behaviour === 'garbage' ? junk : behaviour === 'junk-then-valid' ? junk + valid : valid;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(line);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    vkey: formatVerifierKey(verifierKeyOf(key)),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Alice submits one envelope; resolves with its receipt's log index and a client for reading. */
async function submitOne(relay: RunningRelay): Promise<{ logIndex: number; anyone: RelayClient }> {
  const alice = await enrol(relay, 'washington', 'Alice');
  const channel = await openChannel(alice, []);
  const receipt = await alice.client.submit(channel, envelope(channel, 'witnessed'));
  return { logIndex: receipt.logIndex, anyone: new RelayClient(relay.url) };
}

/** The checkpoint at `path` once it covers `logIndex` and satisfies `also`. */
function checkpointCovering(anyone: RelayClient, path: string, logIndex: number, also: (text: string) => boolean = () => true): Promise<string> {
  return eventually(async () => {
    const text = await anyone.text(path).catch(() => undefined);
    return text !== undefined && Number(text.split('\n')[1]) > logIndex && also(text) ? text : undefined;
  }, 5000, `${path} covering ${logIndex}`);
}

test('a quorum checkpoint appears once every witness has cosigned, with verifying lines only', async () => {
  const keys = [1, 2].map((i) => generateSignerKey(`witness.example/w${i}`, KeyType.cosignatureV1));
  const witnesses = await Promise.all(keys.map((k) => standIn(k, 'cosign')));
  try {
    await withRelay(
      async (relay) => {
        const { logIndex, anyone } = await submitOne(relay);
        const quorum = await checkpointCovering(anyone, '/v1/quorum-checkpoint', logIndex);
        for (const k of keys) assert.ok(verifyCosignature(quorum, cosignatureVerifier(verifierKeyOf(k))).ok);
      },
      { witnesses: witnesses.map((w) => ({ url: w.url, vkey: w.vkey })) },
    );
  } finally {
    await Promise.all(witnesses.map((w) => w.close()));
  }
});

test('a hanging witness times out; forged or foreign cosignatures are dropped; no quorum forms', async () => {
  const keys = [1, 2, 3].map((i) => generateSignerKey(`witness.example/w${i}`, KeyType.cosignatureV1));
  const honest = await standIn(keys[0]!, 'cosign');
  const hanging = await standIn(keys[1]!, 'hang');
  const lying = await standIn(keys[2]!, 'wrong-key');
  try {
    await withRelay(
      async (relay) => {
        const { logIndex, anyone } = await submitOne(relay);
        const latest = await checkpointCovering(anyone, '/checkpoint', logIndex, (text) => text.includes('witness.example/w1'));
        assert.doesNotMatch(latest, /witness\.example\/w3/, 'a cosignature by another key under w3\'s name is dropped');
        await eventually(async () => ((await anyone.text('/metrics')).match(/witness="w2",status="error"\} [1-9]/) ? true : undefined), 5000, 'the hanging witness to time out');
        await assert.rejects(anyone.text('/v1/quorum-checkpoint'), (e: unknown) => e instanceof RelayRequestError && e.status === 503);
      },
      { witnesses: [honest, hanging, lying].map((w) => ({ url: w.url, vkey: w.vkey })), witnessTimeoutMs: 300 },
    );
  } finally {
    await Promise.all([honest, hanging, lying].map((w) => w.close()));
  }
});

test('a policy quorum of 2 of 3 is met despite a witness returning garbage', async () => {
  const keys = [1, 2, 3].map((i) => generateSignerKey(`witness.example/w${i}`, KeyType.cosignatureV1));
  const servers = await Promise.all([standIn(keys[0]!, 'cosign'), standIn(keys[1]!, 'garbage'), standIn(keys[2]!, 'cosign')]);
  try {
    await withRelay(async (relay) => {
      const { logIndex, anyone } = await submitOne(relay);
      const quorum = await checkpointCovering(anyone, '/v1/quorum-checkpoint', logIndex);
      assert.doesNotMatch(quorum, /witness\.example\/w2 /, 'garbage cosignatures are never published');
    }, {
      witnessPolicy: `${servers.map((s, i) => `witness W${i + 1} ${s.vkey} ${s.url}`).join('\n')}\ngroup two 2 W1 W2 W3\nquorum two\n`,
    });
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
});

test('a witness that sends a junk line before its valid one cannot get the junk published', async () => {
  const key = generateSignerKey('witness.example/w1', KeyType.cosignatureV1);
  const sneaky = await standIn(key, 'junk-then-valid');
  try {
    await withRelay(async (relay) => {
      const { logIndex, anyone } = await submitOne(relay);
      const quorum = await checkpointCovering(anyone, '/v1/quorum-checkpoint', logIndex);
      assert.ok(verifyCosignature(quorum, cosignatureVerifier(verifierKeyOf(key))).ok, 'the published line is the verified one');
      assert.equal(quorum.split('\n').filter((l) => l.startsWith('— witness.example/w1 ')).length, 1);
    }, { witnesses: [{ url: sneaky.url, vkey: sneaky.vkey }] });
  } finally {
    await sneaky.close();
  }
});

test('no receipt before the witness quorum: /v1/proof answers 404 not_yet_checkpointed with Retry-After even once the log has signed', async () => {
  const key = generateSignerKey('witness.example/w1', KeyType.cosignatureV1);
  const hanging = await standIn(key, 'hang');
  try {
    await withRelay(async (relay) => {
      const { logIndex, anyone } = await submitOne(relay);
      await checkpointCovering(anyone, '/checkpoint', logIndex); // signed by the log, cosigned by no one
      const response = await fetch(`${relay.url}/v1/proof/${logIndex}`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('retry-after'), '1');
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_yet_checkpointed');
    }, { witnesses: [{ url: hanging.url, vkey: hanging.vkey }], witnessTimeoutMs: 300 });
  } finally {
    await hanging.close();
  }
});
