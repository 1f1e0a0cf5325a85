/**
 * The terminal's direct question to a witness (issue 10 item 3): the witness's own latest
 * cosigned checkpoint must be consistent with the checkpoint the relay showed this terminal.
 * Real trees (RFC 6962, tiles), real log signatures and real cosignatures; two histories that
 * share a prefix and then split, as a relay forking its log under one key would serve them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSignatures, cosigner, formatCheckpoint, formatVerifierKey, generateSignerKey, KeyType, leafHash, noteSigner, parsePolicy, signatureLine, signNote, TileBuilder, tilePath, utf8, verifierKeyOf, type HeldCheckpoint, type Policy } from '@hotline/log';
import { compareWitnessViews } from '../src/index.js';

const LOG = generateSignerKey('relay.example/log');
const WITNESS = generateSignerKey('witness.example/w', KeyType.cosignatureV1);
const OTHER = generateSignerKey('witness.example/other', KeyType.cosignatureV1);
const URL = 'http://127.0.0.1:1/witness';

function policy(): Policy {
  const p = parsePolicy([`log ${formatVerifierKey(verifierKeyOf(LOG))}`, `witness w ${formatVerifierKey(verifierKeyOf(WITNESS))} ${URL}`, 'quorum w'].join('\n'));
  assert.ok(p.ok);
  return p.value;
}

/** A log history: `shared` entries common to every branch, then entries of its own branch. */
class History {
  private readonly builder = TileBuilder.empty();
  private readonly tiles = new Map<string, Uint8Array>();
  constructor(private readonly branch: string) {}
  grow(shared: number, own = 0): this {
    const leaves = [...Array.from({ length: shared }, (_, i) => `shared ${i}`), ...Array.from({ length: own }, (_, i) => `${this.branch} ${i}`)].map((e) => leafHash(utf8(e)));
    for (const t of [...this.builder.append(leaves), ...this.builder.partialTiles()]) this.tiles.set(tilePath(t.level, t.index, t.width), t.hashes);
    return this;
  }
  note(witness = WITNESS): string {
    const body = formatCheckpoint({ origin: LOG.name, size: this.builder.size, rootHash: this.builder.root(), extensions: [] });
    return addSignatures(signNote(body, [noteSigner(LOG)]), [signatureLine(witness.name, witness.keyId, cosigner(witness, () => 1_800_000_000).sign(utf8(body)))]);
  }
  held(): HeldCheckpoint {
    return { origin: LOG.name, size: this.builder.size, rootHash: this.builder.root(), cosignedAt: 1_800_000_000, note: this.note() };
  }
  fetchTile = async (l: number, n: number, w: number): Promise<Uint8Array> => {
    const t = this.tiles.get(tilePath(l, n, w));
    if (t === undefined) throw new Error(`404 tile ${l}/${n}.p/${w}`);
    return t;
  };
}

async function compare(shown: History, witnessNote: string | undefined) {
  return compareWitnessViews({ policy: policy(), held: shown.held(), fetchTile: shown.fetchTile, fetchWitnessCheckpoint: async (url) => (url === URL ? witnessNote : undefined) });
}

test('an honest log: the witness saw an earlier, the same or a later checkpoint of the one history — no alert', async () => {
  const shown = new History('a').grow(300);
  assert.deepEqual(await compare(shown, new History('a').grow(300).note()), [], 'same size, same root');
  assert.deepEqual(await compare(shown, new History('a').grow(123).note()), [], 'the witness is behind');
  assert.deepEqual(await compare(shown, undefined), [], 'an unreachable witness proves nothing');
});

test('a fork: the witness cosigned another history than the relay shows this terminal — fork at once, with both notes', async () => {
  const shown = new History('moscow-copy').grow(200, 50);
  const witnessed = new History('washington-copy').grow(200, 50);
  const sameSize = await compare(shown, witnessed.note());
  assert.equal(sameSize.length, 1);
  assert.equal(sameSize[0]!.code, 'fork');
  assert.equal(sameSize[0]!.relayNote, shown.held().note);
  assert.equal(sameSize[0]!.witnessNote, witnessed.note(), 'both checkpoints are kept as evidence');
  // The witness is behind on its branch: the relay's tiles cannot prove the two consistent.
  const behind = await compare(shown, new History('washington-copy').grow(200, 10).note());
  assert.deepEqual(behind.map((f) => f.code), ['fork']);
  assert.match(behind[0]!.message, /does not extend it/);
});

test('what proves nothing is not an alert: a note not cosigned by that witness, another log, a malformed note', async () => {
  const shown = new History('a').grow(100, 10);
  const other = new History('b').grow(100, 10);
  assert.deepEqual(await compare(shown, other.note(OTHER)), [], 'cosigned by a witness the policy does not name for that URL');
  assert.deepEqual(await compare(shown, 'not a note'), []);
  const foreignLog = generateSignerKey('other.example/log');
  const body = formatCheckpoint({ origin: foreignLog.name, size: 3, rootHash: new Uint8Array(32), extensions: [] });
  assert.deepEqual(await compare(shown, signNote(body, [noteSigner(foreignLog)])), []);
});
