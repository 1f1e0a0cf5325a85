/**
 * A witness that another node moved on: the collector offers a checkpoint of size 5, the
 * witness answers 409 "9" (it cosigned size 9, signed by another node with the same key). The
 * collector reads the stored checkpoint, submits it from size 9 and gets it cosigned: the 409
 * is counted, nothing is refused. A witness claiming a size the stored log has not reached is
 * the one case logged as a refusal (someone else signed for this log).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  cosigner,
  formatCheckpoint,
  formatVerifierKey,
  generateSignerKey,
  KeyType,
  leafHash,
  noteSigner,
  parseNote,
  parsePolicy,
  signatureLine,
  signNote,
  TileBuilder,
  utf8,
  verifierKeyOf,
} from '@hotline/log';
import type { Logger } from '../../src/logger.js';
import { WitnessCollector } from '../../src/witnesses.js';
import { eventually } from '../fixtures.js';

const logKey = generateSignerKey('relay.hotline.invalid/conflicts');
const witnessKey = generateSignerKey('witness.hotline.invalid/w1', KeyType.cosignatureV1);

/** Tiles of a 9-leaf log and the log's signed checkpoints at sizes 5 and 9. */
function log(): { tiles: Map<string, Uint8Array>; notes: Map<number, string> } {
  const leaves = Array.from({ length: 9 }, (_, i) => leafHash(new Uint8Array([i])));
  const tiles = new Map<string, Uint8Array>();
  const notes = new Map<number, string>();
  const builder = TileBuilder.empty();
  for (const [from, to] of [[0, 5], [5, 9]] as const) {
    for (const t of [...builder.append(leaves.slice(from, to)), ...builder.partialTiles()]) tiles.set(`${t.level}/${t.index}`, t.hashes);
    notes.set(to, signNote(formatCheckpoint({ origin: logKey.name, size: to, rootHash: builder.root(), extensions: [] }), [noteSigner(logKey)]));
  }
  return { tiles, notes };
}

/** A witness that has cosigned size `knownSize` and answers as c2sp.org/tlog-witness says, without checking proofs. */
async function witness(knownSize: number): Promise<{ url: string; requests: string[]; close(): void }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const old = Number(/^old (\d+)\n/.exec(body)![1]);
      requests.push(`old ${old}`);
      if (old !== knownSize) return void res.writeHead(409, { 'content-type': 'text/x.tlog.size' }).end(`${knownSize}\n`);
      const note = parseNote(body.slice(body.indexOf('\n\n') + 2));
      if (!note.ok) return void res.writeHead(400).end();
      const size = Number(note.value.text.split('\n')[1]);
      knownSize = size;
      const signer = cosigner(witnessKey);
      res.writeHead(200).end(signatureLine(signer.name, signer.keyId, signer.sign(utf8(note.value.text))));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
}

function collector(url: string, stored: { size: number; note: string } | undefined, tiles: Map<string, Uint8Array>, logs: string[], counts: string[]): WitnessCollector {
  const policy = parsePolicy(`log ${formatVerifierKey(verifierKeyOf(logKey))}\nwitness w1 ${formatVerifierKey(verifierKeyOf(witnessKey))} ${url}\nquorum w1\n`);
  assert.ok(policy.ok);
  const logger: Logger = { log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`) };
  return new WitnessCollector({
    tiles: { getTile: async (level, index) => ((h) => (h === undefined ? undefined : { width: h.length / 32, hashes: h }))(tiles.get(`${level}/${index}`)) },
    policy: policy.value,
    witnesses: policy.value.witnesses.map((w) => ({ name: w.name, url: w.url!, verifier: w.verifier })),
    timeoutMs: 2000,
    refreshMs: 60_000,
    logger,
    stored: async () => stored,
    count: (status) => counts.push(status),
  });
}

test('a 409 naming a newer size makes the collector submit the stored, newer checkpoint: counted, not refused', async () => {
  const { tiles, notes } = log();
  const w = await witness(9); // another node already had size 9 cosigned
  const logs: string[] = [];
  const counts: string[] = [];
  const c = collector(w.url, { size: 9, note: notes.get(9)! }, tiles, logs, counts);
  try {
    c.offer(5, notes.get(5)!);
    const quorum = await eventually(() => c.quorumCheckpoint, 5000, 'a cosigned checkpoint');
    assert.equal(quorum.size, 9, 'the newer checkpoint, cosigned');
    assert.deepEqual(w.requests, ['old 0', 'old 9']);
    assert.deepEqual(counts, ['409', '200']);
    assert.ok(!logs.some((l) => l.includes('refused')), logs.join('\n'));
  } finally {
    c.stop();
    w.close();
  }
});

test('a 409 naming a size beyond the stored checkpoint is a refusal, logged as one', async () => {
  const { tiles, notes } = log();
  const w = await witness(20); // a size this log never reached
  const logs: string[] = [];
  const counts: string[] = [];
  const c = collector(w.url, { size: 9, note: notes.get(9)! }, tiles, logs, counts);
  try {
    c.offer(9, notes.get(9)!);
    await eventually(() => (logs.some((l) => l.includes('witness refused checkpoint')) ? true : undefined), 5000, 'a logged refusal');
    assert.match(logs.join('\n'), /cosigned size 20, beyond this log's stored checkpoint \(9\)/);
    assert.equal(c.quorumCheckpoint, undefined);
  } finally {
    c.stop();
    w.close();
  }
});
