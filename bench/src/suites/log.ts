/**
 * Log library figures (issue 2): leaf hashing, roots, proofs from a 10,000,000-entry tiled
 * tree, and signed-note verification — with the raw primitives alongside for reference.
 */
import { randomFillSync } from 'node:crypto';
import {
  addSignatures,
  cosignatureVerifier,
  cosigner,
  formatCheckpoint,
  generateSignerKey,
  HASH_SIZE,
  inclusionProof,
  KeyType,
  consistencyProof,
  leafHash,
  noteSigner,
  noteVerifier,
  rootAt,
  signatureLine,
  signNote,
  TileBuilder,
  TileHashReader,
  tilePath,
  treeRoot,
  utf8,
  verifierKeyOf,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyNote,
} from '@hotline/log';
import * as nodeCrypto from '@hotline/log/crypto/node';
import * as webCrypto from '@hotline/log/crypto/web';
import { nowMs, rate, rateSync, seededRandom, type Figure } from '../measure.js';
import type { SuiteReport } from '../report.js';

export interface LogBenchOptions {
  /** Entries in the tiled tree that proofs are generated against. */
  readonly treeSize: number;
  readonly minMs: number;
}

function log(message: string): void {
  process.stderr.write(`[bench log] ${message}\n`);
}

function hashingFigures(minMs: number): Figure[] {
  const record = new Uint8Array(160).fill(7); // about the size of a Hotline log record
  const leafRate = rateSync(() => void leafHash(record), minMs);
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < 1_000_000; i++) leaves.push(nodeCrypto.sha256(new Uint8Array([i & 255, (i >> 8) & 255, i >> 16])));
  const start = nowMs();
  treeRoot(leaves);
  const rootMs = nowMs() - start;
  return [
    { name: 'leaf hashes (160-byte entries)', value: leafRate, unit: 'hashes/s' },
    { name: 'root of 1,000,000 leaves', value: rootMs, unit: 'ms', note: 'treeRoot, one pass, O(log n) memory' },
  ];
}

async function tiledTreeFigures(options: LogBenchOptions): Promise<Figure[]> {
  const size = options.treeSize;
  log(`building a ${size.toLocaleString('en-US')}-entry tiled tree in memory…`);
  const leafBytes = new Uint8Array(size * HASH_SIZE);
  randomFillSync(leafBytes); // leaf hashes of unknown entries: the tree above them is real
  const tiles = new Map<string, Uint8Array>();
  const builder = TileBuilder.empty();
  const start = nowMs();
  const chunk = 65_536;
  for (let at = 0; at < size; at += chunk) {
    const batch: Uint8Array[] = [];
    for (let i = at; i < Math.min(size, at + chunk); i++) batch.push(leafBytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    for (const tile of builder.append(batch)) tiles.set(tilePath(tile.level, tile.index, tile.width), tile.hashes);
  }
  for (const tile of builder.partialTiles()) tiles.set(tilePath(tile.level, tile.index, tile.width), tile.hashes);
  const root = builder.root();
  const buildSeconds = (nowMs() - start) / 1000;
  log(`built ${tiles.size} tiles in ${buildSeconds.toFixed(1)} s`);

  const reader = new TileHashReader(size, (l, n, w) => tiles.get(tilePath(l, n, w))!);
  const random = seededRandom();
  const pick = () => Math.floor(random() * size);
  const proveRate = await rate(async () => {
    const proof = await inclusionProof(pick(), size, reader);
    if (!proof.ok) throw new Error(proof.error.message);
  }, options.minMs);

  const samples = await Promise.all(
    Array.from({ length: 256 }, async () => {
      const index = pick();
      const proof = await inclusionProof(index, size, reader);
      if (!proof.ok) throw new Error(proof.error.message);
      return { index, leaf: leafBytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE), proof: proof.value };
    }),
  );
  let s = 0;
  const verifyRate = rateSync(() => {
    const { index, leaf, proof } = samples[s++ % samples.length]!;
    if (!verifyInclusion(leaf, index, size, proof, root).ok) throw new Error('bench proof failed to verify');
  }, options.minMs);

  // The older tree's partial tiles are prefixes of the newer tree's tiles at the same index.
  const widest = new Map<string, Uint8Array>();
  for (const tile of [...tiles.keys()]) widest.set(tile.replace(/\.p\/\d+$/, ''), tiles.get(tile)!);
  const size1 = Math.floor(size * 0.7) + 12_345;
  const smaller = new TileHashReader(size1, (l, n, w) => widest.get(tilePath(l, n))!.subarray(0, w * HASH_SIZE));
  const consistencyStart = nowMs();
  const consistency = await consistencyProof(size1, size, reader);
  const root1 = await rootAt(size1, smaller);
  if (!consistency.ok || !root1.ok || !verifyConsistency(size1, size, consistency.value, root1.value, root).ok) throw new Error('consistency failed');
  const consistencyMs = nowMs() - consistencyStart;

  return [
    { name: `tile build (${(size / 1e6).toLocaleString('en-US')}M leaves → tiles)`, value: size / buildSeconds, unit: 'leaves/s', note: `${tiles.size} tiles` },
    { name: 'inclusion proof from tiles (random index)', value: proveRate, unit: 'proofs/s', note: `tree of ${size.toLocaleString('en-US')}, 1024-tile cache` },
    { name: 'inclusion proof verification', value: verifyRate, unit: 'verifies/s', note: `${samples[0]!.proof.length}-hash proofs` },
    { name: 'consistency proof from tiles + verify', value: consistencyMs, unit: 'ms', note: `${size1.toLocaleString('en-US')} → ${size.toLocaleString('en-US')}, cold cache` },
  ];
}

function signatureFigures(minMs: number): Figure[] {
  const logKey = generateSignerKey('bench.example/log');
  const witnesses = [1, 2].map((i) => generateSignerKey(`bench.example/w${i}`, KeyType.cosignatureV1));
  const body = formatCheckpoint({ origin: logKey.name, size: 10_000_000, rootHash: new Uint8Array(32).fill(1), extensions: [] });
  const signed = signNote(body, [noteSigner(logKey)]);
  const cosigned = addSignatures(
    signed,
    witnesses.map((w) => signatureLine(w.name, w.keyId, cosigner(w).sign(utf8(body)))),
  );
  const logVerifier = noteVerifier(verifierKeyOf(logKey));
  const witnessVerifiers = witnesses.map((w) => cosignatureVerifier(verifierKeyOf(w)));
  const noteRate = rateSync(() => {
    if (!verifyNote(signed, [logVerifier]).ok) throw new Error('note failed');
  }, minMs);
  const checkpointRate = rateSync(() => {
    if (!verifyCheckpoint(cosigned, { logs: [logVerifier], witnesses: witnessVerifiers }).ok) throw new Error('checkpoint failed');
  }, minMs);
  const message = utf8(body);
  const seed = logKey.seed;
  const nodeSig = nodeCrypto.ed25519Signer(seed).sign(message);
  const nodeVerify = nodeCrypto.ed25519Verifier(logKey.publicKey);
  const webVerify = webCrypto.ed25519Verifier(logKey.publicKey);
  const rawNode = rateSync(() => void nodeVerify.verify(message, nodeSig), minMs);
  const rawNoble = rateSync(() => void webVerify.verify(message, nodeSig), minMs);
  return [
    { name: 'signed-note verification (checkpoint, 1 sig)', value: noteRate, unit: 'notes/s', note: 'parse + Ed25519, node:crypto' },
    { name: 'checkpoint + 2 cosignatures verification', value: checkpointRate, unit: 'checkpoints/s', note: '3 Ed25519 verifications each' },
    { name: 'raw Ed25519 verify, node:crypto', value: rawNode, unit: 'verifies/s', note: 'reference' },
    { name: 'raw Ed25519 verify, @noble (browser path)', value: rawNoble, unit: 'verifies/s', note: 'reference' },
  ];
}

export async function logSuite(options: LogBenchOptions): Promise<SuiteReport> {
  log('hashing…');
  const hashing = hashingFigures(options.minMs);
  const tiled = await tiledTreeFigures(options);
  log('signatures…');
  const signatures = signatureFigures(options.minMs);
  const byName = (name: string) => signatures.find((f) => f.name.startsWith(name))!.value;
  return {
    suite: 'log',
    figures: [...hashing, ...tiled, ...signatures],
    ratios: { 'node:crypto Ed25519 verify / @noble': byName('raw Ed25519 verify, node') / byName('raw Ed25519 verify, @noble') },
  };
}
