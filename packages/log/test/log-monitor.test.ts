/** LogMonitor: each alert a terminal raises about a relay's log, triggered for real. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addSignatures,
  cosigner,
  formatCheckpoint,
  formatVerifierKey,
  KeyType,
  LogMonitor,
  noteSigner,
  parsePolicy,
  signatureLine,
  signNote,
  TileBuilder,
  tilePath,
  utf8,
  verifierKeyOf,
  type Policy,
} from '../src/index.js';
import { testKey } from './helpers.js';

const LOG = testKey('relay.example/log', KeyType.ed25519, 1);
const W1 = testKey('witness.example/a', KeyType.cosignatureV1, 2);
const W2 = testKey('witness.example/b', KeyType.cosignatureV1, 3);
const NOW = 1_800_000_000;

function policy(quorum = 'both'): Policy {
  const text = [`log ${formatVerifierKey(verifierKeyOf(LOG))}`, `witness A ${formatVerifierKey(verifierKeyOf(W1))}`, `witness B ${formatVerifierKey(verifierKeyOf(W2))}`, 'group both all A B', `quorum ${quorum}`].join('\n');
  const p = parsePolicy(text);
  assert.ok(p.ok);
  return p.value;
}

/** A log whose tiles and checkpoints we control, honest or not. */
class FakeLog {
  private readonly builder = TileBuilder.empty();
  readonly tiles = new Map<string, Uint8Array>();
  constructor(private readonly salt = '') {}
  grow(n: number): void {
    const start = this.builder.size;
    const leaves = Array.from({ length: n }, (_, i) => utf8(`${this.salt}entry ${start + i}`)).map((e) => new Uint8Array(32).map((_, j) => e[j % e.length]! ^ j));
    for (const t of [...this.builder.append(leaves), ...this.builder.partialTiles()]) this.tiles.set(tilePath(t.level, t.index, t.width), t.hashes);
  }
  checkpoint(witnesses = [W1, W2], at: number | readonly number[] = NOW, log = LOG): string {
    const body = formatCheckpoint({ origin: log.name, size: this.builder.size, rootHash: this.builder.root(), extensions: [] });
    const times = typeof at === 'number' ? witnesses.map(() => at) : at;
    const lines = witnesses.map((w, i) => signatureLine(w.name, w.keyId, cosigner(w, () => times[i]!).sign(utf8(body))));
    return addSignatures(signNote(body, [noteSigner(log)]), lines);
  }
  fetchTile = (l: number, n: number, w: number) => {
    const t = this.tiles.get(tilePath(l, n, w));
    if (t === undefined) throw new Error('404');
    return t;
  };
}

function monitor(log: FakeLog, serve: () => string, options: { quorum?: string; now?: number } = {}): LogMonitor {
  return new LogMonitor(policy(options.quorum), { fetchCheckpoint: async () => serve(), fetchTile: log.fetchTile }, { freshnessSeconds: 3600, now: () => options.now ?? NOW + 10 });
}

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

test('an honest, growing log verifies at every step', async () => {
  const log = new FakeLog();
  log.grow(300);
  let served = log.checkpoint();
  const m = monitor(log, () => served);
  assert.equal(code(await m.update()), 'ok');
  log.grow(70_000);
  served = log.checkpoint();
  assert.equal(code(await m.update()), 'ok', 'consistency from 300 to 70,300 proven from tiles');
  assert.equal(m.held?.size, 70_300);
});

test('bad_signature: a tampered checkpoint or a forged cosignature', async () => {
  const log = new FakeLog();
  log.grow(10);
  assert.equal(code(await monitor(log, () => log.checkpoint().replace('\n10\n', '\n11\n')).update()), 'bad_signature');
  const forged = signNote(formatCheckpoint({ origin: LOG.name, size: 10, rootHash: new Uint8Array(32), extensions: [] }), [noteSigner(LOG)]) + signatureLine(W1.name, W1.keyId, new Uint8Array(72));
  assert.equal(code(await monitor(log, () => forged).update()), 'bad_signature');
});

test('quorum_not_met: one witness of two', async () => {
  const log = new FakeLog();
  log.grow(10);
  assert.equal(code(await monitor(log, () => log.checkpoint([W1])).update()), 'quorum_not_met');
});

test('fork: another root for the held size, or a history that does not extend the held one', async () => {
  const honest = new FakeLog();
  honest.grow(100);
  const rogue = new FakeLog('rogue ');
  rogue.grow(100);
  let served = honest.checkpoint();
  const m = monitor(rogue, () => served);
  assert.equal(code(await m.update()), 'ok');
  served = rogue.checkpoint();
  assert.equal(code(await m.update()), 'fork', 'same size, other root');
  rogue.grow(50);
  served = rogue.checkpoint();
  assert.equal(code(await m.update()), 'fork', 'a larger tree that does not contain the held one');
  assert.equal(m.held?.size, 100, 'the held checkpoint is kept');
});

test('rollback: a smaller tree than the one held', async () => {
  const log = new FakeLog();
  log.grow(10);
  const old = log.checkpoint();
  log.grow(10);
  let served = log.checkpoint();
  const m = monitor(log, () => served);
  assert.equal(code(await m.update()), 'ok');
  served = old;
  assert.equal(code(await m.update()), 'rollback');
});

test('rollback and fork are named even when the witnesses refused to cosign the log-signed checkpoint', async () => {
  const log = new FakeLog();
  log.grow(10);
  const old = log.checkpoint([]);
  log.grow(10);
  let served = log.checkpoint();
  const m = monitor(log, () => served);
  assert.equal(code(await m.update()), 'ok');
  served = old;
  assert.equal(code(await m.update()), 'rollback', 'signed by the log alone, smaller than held');
  const other = new FakeLog('another history ');
  other.grow(20);
  served = other.checkpoint([]);
  assert.equal(code(await m.update()), 'fork', 'signed by the log alone, same size, another root');
  served = log.checkpoint([]);
  assert.equal(code(await m.update()), 'quorum_not_met', 'the held checkpoint without cosignatures is just short of quorum');
});

test('stale: cosignatures older than the freshness bound while the relay answers', async () => {
  const log = new FakeLog();
  log.grow(10);
  assert.equal(code(await monitor(log, () => log.checkpoint([W1, W2], NOW - 7200)).update()), 'stale');
});

test('stale: one fresh witness cannot vouch for a stale one; future timestamps count for nothing', async () => {
  const log = new FakeLog();
  log.grow(10);
  assert.equal(code(await monitor(log, () => log.checkpoint([W1, W2], [NOW - 7 * 86400, NOW])).update()), 'stale');
  assert.equal(code(await monitor(log, () => log.checkpoint([W1, W2], [NOW, 4_102_444_800])).update()), 'stale', 'a cosignature dated 2100');
  assert.equal(code(await monitor(log, () => log.checkpoint([W1, W2], [NOW, NOW + 60])).update()), 'ok', 'a minute of clock skew is tolerated');
});

test('fork: a checkpoint of another log, even one the policy accepts, once a log is followed', async () => {
  const other = testKey('relay.example/other', KeyType.ed25519, 9);
  const text = [`log ${formatVerifierKey(verifierKeyOf(LOG))}`, `log ${formatVerifierKey(verifierKeyOf(other))}`, `witness A ${formatVerifierKey(verifierKeyOf(W1))}`, 'quorum A'].join('\n');
  const p = parsePolicy(text);
  assert.ok(p.ok);
  const log = new FakeLog();
  log.grow(10);
  let served = log.checkpoint([W1]);
  const m = new LogMonitor(p.value, { fetchCheckpoint: async () => served, fetchTile: log.fetchTile }, { freshnessSeconds: 3600, now: () => NOW });
  assert.equal(code(await m.update()), 'ok');
  served = log.checkpoint([W1], NOW, other);
  assert.equal(code(await m.update()), 'fork');
});

test('unavailable and malformed: nothing fetched, nothing proven', async () => {
  const log = new FakeLog();
  log.grow(10);
  const down = new LogMonitor(policy(), { fetchCheckpoint: async () => { throw new Error('ECONNREFUSED'); }, fetchTile: log.fetchTile }, { freshnessSeconds: 60 });
  assert.equal(code(await down.update()), 'unavailable');
  assert.equal(code(await monitor(log, () => 'not a checkpoint').update()), 'malformed');
  let served = log.checkpoint();
  const m = new LogMonitor(policy(), { fetchCheckpoint: async () => served, fetchTile: () => { throw new Error('503'); } }, { freshnessSeconds: 3600, now: () => NOW });
  assert.equal(code(await m.update()), 'ok');
  log.grow(5);
  served = log.checkpoint();
  assert.equal(code(await m.update()), 'unavailable', 'tiles withheld: consistency cannot be proven');
});
