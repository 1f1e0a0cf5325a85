/** c2sp.org/tlog-witness add-checkpoint: every status the spec defines, and the monitor endpoint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  consistencyProof,
  cosignatureVerifier,
  formatCheckpoint,
  generateSignerKey,
  KeyType,
  MemoryTree,
  noteSigner,
  parseVerifierKey,
  rootAt,
  signNote,
  utf8,
  verifierKeyOf,
  verifyCosignature,
  type SignerKey,
} from '@hotline/log';
import { formatAddCheckpoint, startWitness, type RunningWitness } from '../src/index.js';

const LOG = generateSignerKey('relay.example/log');
const STRANGER = generateSignerKey('relay.example/other');

function tree(size: number, salt = ''): MemoryTree {
  const t = new MemoryTree();
  for (let i = 0; i < size; i++) t.appendEntry(utf8(`${salt}entry ${i}`));
  return t;
}

async function checkpoint(t: MemoryTree, size: number, key: SignerKey = LOG): Promise<string> {
  const root = await rootAt(size, t);
  assert.ok(root.ok);
  return signNote(formatCheckpoint({ origin: key.name, size, rootHash: root.value, extensions: [] }), [noteSigner(key)]);
}

async function proof(t: MemoryTree, from: number, to: number): Promise<Uint8Array[]> {
  const p = await consistencyProof(from, to, t);
  assert.ok(p.ok);
  return p.value;
}

async function withWitness(fn: (w: RunningWitness, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-'));
  const witness = await startWitness({ dataDir: dir, logs: [verifierKeyOf(LOG)], name: 'witness.example/w1' });
  try {
    await fn(witness, dir);
  } finally {
    await witness.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(w: RunningWitness, body: string): Promise<{ status: number; body: string; type: string }> {
  const r = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body });
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' };
}

test('a first checkpoint is cosigned; the next needs a consistency proof from it', async () => {
  await withWitness(async (w, dir) => {
    assert.equal(statSync(join(dir, 'witness.key')).mode & 0o777, 0o600);
    const t = tree(300);
    const first = await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 100)));
    assert.equal(first.status, 200, first.body);
    assert.match(first.body, /^— witness\.example\/w1 [A-Za-z0-9+/=]+\n$/);
    const witnessKey = parseVerifierKey(w.vkey);
    assert.ok(witnessKey.ok && witnessKey.value.type === KeyType.cosignatureV1);
    const cosigned = (await checkpoint(t, 100)) + first.body;
    assert.ok(verifyCosignature(cosigned, cosignatureVerifier(witnessKey.value)).ok);
    const second = await post(w, formatAddCheckpoint(100, await proof(t, 100, 300), await checkpoint(t, 300)));
    assert.equal(second.status, 200, second.body);
    const same = await post(w, formatAddCheckpoint(300, [], await checkpoint(t, 300)));
    assert.equal(same.status, 200, 'the same checkpoint may be cosigned again');
  });
});

test('409: old size other than the stored one, with the stored size as text/x.tlog.size', async () => {
  await withWitness(async (w) => {
    const t = tree(50);
    assert.equal((await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 20)))).status, 200);
    const stale = await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 50)));
    assert.equal(stale.status, 409);
    assert.equal(stale.body, '20\n');
    assert.equal(stale.type, 'text/x.tlog.size');
    const rolledBack = await post(w, formatAddCheckpoint(10, await proof(t, 10, 15), await checkpoint(t, 15)));
    assert.equal(rolledBack.status, 409, 'a checkpoint older than the stored one is refused');
  });
});

test('422: a fork (same size, other root), a bad proof, a proof from size 0, a bad empty tree', async () => {
  await withWitness(async (w) => {
    const honest = tree(40);
    const forked = tree(40, 'forged ');
    assert.equal((await post(w, formatAddCheckpoint(0, [], await checkpoint(honest, 30)))).status, 200);
    const fork = await post(w, formatAddCheckpoint(30, [], await checkpoint(forked, 30)));
    assert.equal(fork.status, 422);
    assert.match(fork.body, /forked/);
    const badProof = await post(w, formatAddCheckpoint(30, await proof(forked, 30, 40), await checkpoint(forked, 40)));
    assert.equal(badProof.status, 422, 'a history that does not extend the cosigned one');
    assert.equal((await post(w, formatAddCheckpoint(30, [], await checkpoint(honest, 40)))).status, 422, 'missing proof');
  });
  await withWitness(async (w) => {
    const t = tree(10);
    assert.equal((await post(w, formatAddCheckpoint(0, await proof(t, 5, 10), await checkpoint(t, 10)))).status, 422);
    const emptyWithRoot = signNote(formatCheckpoint({ origin: LOG.name, size: 0, rootHash: new Uint8Array(32).fill(1), extensions: [] }), [noteSigner(LOG)]);
    assert.equal((await post(w, formatAddCheckpoint(0, [], emptyWithRoot))).status, 422);
  });
});

test('404 unknown origin, 403 unsigned or badly signed, 400 malformed or old > size', async () => {
  await withWitness(async (w) => {
    const t = tree(10);
    assert.equal((await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 10, STRANGER)))).status, 404);
    const unsigned = signNote(formatCheckpoint({ origin: LOG.name, size: 10, rootHash: new Uint8Array(32), extensions: [] }), [noteSigner(STRANGER)]);
    assert.equal((await post(w, formatAddCheckpoint(0, [], unsigned))).status, 403, 'no signature by a trusted key');
    const tampered = (await checkpoint(t, 10)).replace('\n10\n', '\n11\n');
    assert.equal((await post(w, formatAddCheckpoint(0, [], tampered))).status, 403, 'a failing signature by the trusted key');
    assert.equal((await post(w, formatAddCheckpoint(11, [], await checkpoint(t, 10)))).status, 400);
    for (const body of ['', 'old 0\n', 'old 01\n\nx', `old 0\nnot-base64\n\n${await checkpoint(t, 10)}`, `old x\n\n${await checkpoint(t, 10)}`, `old 0\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n${await checkpoint(t, 10)}`, 'x'.repeat(70_000)]) {
      assert.equal((await post(w, body)).status, 400, JSON.stringify(body.slice(0, 40)));
    }
  });
});

test('the monitoring endpoint serves the latest cosigned checkpoint by origin hash', async () => {
  await withWitness(async (w) => {
    const originHash = createHash('sha256').update(LOG.name).digest('hex');
    assert.equal((await fetch(`${w.url}/${originHash}/checkpoint`)).status, 404);
    const t = tree(7);
    await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 7)));
    const served = await (await fetch(`${w.url}/${originHash}/checkpoint`)).text();
    const key = parseVerifierKey(w.vkey);
    assert.ok(key.ok);
    assert.ok(verifyCosignature(served, cosignatureVerifier(key.value)).ok);
    assert.match(served, /^relay\.example\/log\n7\n/);
  });
});

test('concurrent requests cannot both pass the old-size check', async () => {
  await withWitness(async (w) => {
    const t = tree(100);
    assert.equal((await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 10)))).status, 200);
    const results = await Promise.all([20, 30, 40, 50].map(async (size) => (await post(w, formatAddCheckpoint(10, await proof(t, 10, size), await checkpoint(t, size)))).status));
    assert.equal(results.filter((s) => s === 200).length, 1, `exactly one wins: ${results}`);
    assert.equal(results.filter((s) => s === 409).length, 3);
  });
});

test('/healthz says what it last cosigned for each log; /metrics counts add-checkpoint by status in OpenMetrics', async () => {
  await withWitness(async (w) => {
    const before = (await (await fetch(`${w.url}/healthz`)).json()) as { status: string; logs: { origin: string; size: number | null }[] };
    assert.deepEqual(before, { status: 'ok', logs: [{ origin: LOG.name, size: null }] });
    const t = tree(9);
    assert.equal((await post(w, formatAddCheckpoint(0, [], await checkpoint(t, 9)))).status, 200);
    assert.equal((await post(w, formatAddCheckpoint(3, [], await checkpoint(t, 9)))).status, 409);
    const after = (await (await fetch(`${w.url}/healthz`)).json()) as typeof before;
    assert.equal(after.logs[0]!.size, 9);
    const metrics = await fetch(`${w.url}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^application\/openmetrics-text/);
    const text = await metrics.text();
    assert.match(text, /^hotline_witness_add_checkpoint_total\{status="200"\} 1$/m);
    assert.match(text, /^hotline_witness_add_checkpoint_total\{status="409"\} 1$/m);
    assert.match(text, /^hotline_witness_logs 1$/m);
    assert.match(text, /# EOF\n$/);
  });
});
