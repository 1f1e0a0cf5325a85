/**
 * Fuzzing (issue 3): malformed, truncated, oversized and random inputs at every endpoint and
 * frame type. The relay must answer each with a 4xx (or an ERROR frame / a clear close), stay
 * up, and leave its stored state byte-for-byte unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { decodeRelayFrame, RelayFrameType, issueRevocation, partyRootSigner, signMembership } from '@hotline/protocol';
import { makeCertificate, enrol, envelope, openChannel, withRelay, WASHINGTON } from './fixtures.js';

/** A digest of every row of every table: what "stored state unchanged" means. */
function databaseDigest(dataDir: string): string {
  const db = new Database(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    for (const { name } of tables) {
      hash.update(name);
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all() as Record<string, unknown>[]) {
        for (const value of Object.values(row)) hash.update(value instanceof Uint8Array ? value : String(value));
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((n) => valid.subarray(0, n)), // truncated
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => new Uint8Array([...valid, ...extra])), // trailing garbage
    fc.integer({ min: 0, max: 255 }).filter((v) => v !== valid[0]).map((v) => new Uint8Array([v, ...valid.subarray(1)])), // another version byte
    fc.uint8Array({ maxLength: 2048 }), // random
  );
}

test('hostile HTTP bodies, paths and queries get a 4xx and change nothing', { timeout: 120_000 }, async () => {
  await withRelay(async (relay, dataDir) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    const channel = await openChannel(alice, []);
    await alice.client.submit(channel, envelope(channel, 'baseline'));
    await new Promise((r) => setTimeout(r, 100)); // let integration settle
    const before = databaseDigest(dataDir);
    const hex = Buffer.from(channel).toString('hex');
    const deviceHex = Buffer.from(alice.signer.publicKey).toString('hex');
    const validCert = makeCertificate('washington', 'Mallory', alice.signer).bytes;
    const validMembership = signMembership({ channelId: channel, version: 1, members: [] }, alice.signer).bytes;
    const validRevocation = issueRevocation({ party: 'washington', deviceKey: alice.signer.publicKey, time: 1, reason: 'x' }, partyRootSigner(WASHINGTON)).bytes;
    const validEnvelope = envelope(channel, 'valid');
    const targets: { method: string; path: string; valid: Uint8Array; auth: boolean }[] = [
      { method: 'POST', path: '/v1/devices', valid: validCert, auth: false },
      { method: 'POST', path: '/v1/revocations', valid: validRevocation, auth: false },
      { method: 'PUT', path: `/v1/channels/${hex}`, valid: validMembership, auth: true },
      { method: 'POST', path: `/v1/channels/${hex}/envelopes`, valid: validEnvelope, auth: true },
      { method: 'POST', path: '/v1/login/challenge', valid: new TextEncoder().encode('{"deviceKey":"AA=="}'), auth: false },
      { method: 'POST', path: '/v1/login', valid: new TextEncoder().encode('{}'), auth: false },
    ];
    const statuses = new Map<number, number>();
    const hit = async (method: string, path: string, body: Uint8Array | undefined, auth: boolean) => {
      const headers: Record<string, string> = auth ? { authorization: `Bearer ${alice.client.token}` } : {};
      const response = await fetch(`${relay.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status >= 400 && response.status < 500, `${method} ${path} answered ${response.status}`);
    };
    for (const target of targets) {
      await fc.assert(fc.asyncProperty(mutations(target.valid), (body) => hit(target.method, target.path, body, target.auth)), { numRuns: 40 });
    }
    await hit('POST', '/v1/devices', new Uint8Array(400 * 1024), false); // oversized
    await hit('POST', '/v1/devices', undefined, false); // empty
    for (const path of ['/tile/0/x000/000', '/tile/64/000', '/tile/0/000.p/0', '/tile/entries/999', '/v1/proof/01', '/v1/proof/99999999', `/v1/channels/${hex.toUpperCase()}/envelopes`, `/v1/channels/${hex}/envelopes?from=0`, `/v1/channels/${hex}/envelopes?limit=x`, '/v1/mailbox/zz', `/v1/devices/${'0'.repeat(64)}`, '/nowhere', '/v1/keypackages/abc/claim']) {
      await hit('GET', path, undefined, true);
    }
    await hit('DELETE', '/checkpoint', undefined, true);
    await hit('POST', `/v1/mailbox/${deviceHex}?kind=nonsense`, new Uint8Array([1]), true);
    await hit('POST', `/v1/mailbox/${deviceHex}?kind=welcome`, new Uint8Array(0), true);
    await hit('DELETE', '/v1/mailbox/0', undefined, true);
    await hit('POST', `/v1/channels/${hex}/envelopes`, validEnvelope, false); // no session
    const health = await fetch(`${relay.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(databaseDigest(dataDir), before, 'stored state changed');
    assert.ok(statuses.size >= 4, `expected a spread of 4xx codes, got ${[...statuses.keys()]}`);
  });
});

test('hostile WebSocket frames get ERROR frames or a clear close, and change nothing', { timeout: 60_000 }, async () => {
  await withRelay(async (relay, dataDir) => {
    const alice = await enrol(relay, 'washington', 'Alice');
    await openChannel(alice, []);
    await new Promise((r) => setTimeout(r, 100));
    const before = databaseDigest(dataDir);
    const socket = await alice.client.connect();
    const errors: string[] = [];
    socket.ws.on('message', (data: Buffer) => {
      const frame = decodeRelayFrame(new Uint8Array(data));
      if (frame.ok && frame.value.type === RelayFrameType.error) errors.push(frame.value.code);
    });
    const sent = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ maxLength: 40 }).map((b) => new Uint8Array([1, 0, 0, 0, 1, ...b])), // subscribe, wrong length
        fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([3, 0, 0, 0, 2, ...b])), // submit garbage
        fc.integer({ min: 4, max: 255 }).map((t) => new Uint8Array([t, 0, 0, 0, 3])), // unknown types
      ),
      300,
    );
    for (const frame of sent) socket.ws.send(frame);
    socket.ws.send(new Uint8Array([1, 0, 0, 0, 9, ...randomBytes(16), 0, 0, 0, 0, 0, 0, 0, 1])); // subscribe to a channel it is not in
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(socket.closed, undefined, 'binary garbage must not kill the connection');
    assert.ok(errors.length >= 250, `expected an ERROR frame per bad frame, got ${errors.length}`);
    assert.ok(errors.includes('not_a_member'));
    socket.ws.send('text frame');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((socket.closed as { code: number } | undefined)?.code, 1003, 'text frames close with 1003');
    const big = await alice.client.connect();
    big.ws.send(new Uint8Array(400 * 1024));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(big.closed?.code, 1009, 'oversized frames close with 1009');
    const unauthenticated = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/ws`);
    const refused = await new Promise<number>((resolve) => unauthenticated.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    assert.equal(refused, 401);
    assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
    assert.equal(databaseDigest(dataDir), before, 'stored state changed');
  });
});
