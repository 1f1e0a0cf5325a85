/**
 * A relay's log that tests control: it appends envelopes with correct records, chains, tiles
 * and signed checkpoints — or, when told, lies in one specific way.
 */
import { randomBytes } from 'node:crypto';
import { formatCheckpoint, generateSignerKey, leafHash, LogMonitor, noteSigner, parsePolicy, signNote, TileBuilder, tilePath, formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { channelTag, encodeRecord, envelopeHash, genesisChain, nextChain, RecordKind, type Delivery } from '@hotline/protocol';

export class FakeRelayLog {
  private readonly key = generateSignerKey('relay.test/log');
  private readonly builder = TileBuilder.empty();
  private readonly tiles = new Map<string, Uint8Array>();
  private readonly streams = new Map<string, { seq: number; chain: Uint8Array }>();
  readonly monitor: LogMonitor;

  constructor() {
    const policy = parsePolicy(`log ${formatVerifierKey(verifierKeyOf(this.key))}\nquorum none\n`);
    if (!policy.ok) throw new Error(policy.error.message);
    this.monitor = new LogMonitor(policy.value, { fetchCheckpoint: async () => this.checkpoint(), fetchTile: this.fetchTile }, { freshnessSeconds: 3600 });
  }

  fetchTile = (level: number, index: number, width: number): Uint8Array => {
    const t = this.tiles.get(tilePath(level, index, width));
    if (t === undefined) throw new Error('404');
    return t;
  };

  checkpoint(): string {
    return signNote(formatCheckpoint({ origin: this.key.name, size: this.builder.size, rootHash: this.builder.root(), extensions: [] }), [noteSigner(this.key)]);
  }

  private appendRecord(record: Uint8Array): number {
    const index = this.builder.size;
    for (const t of [...this.builder.append([leafHash(record)]), ...this.builder.partialTiles()]) this.tiles.set(tilePath(t.level, t.index, t.width), t.hashes);
    return index;
  }

  /** Sequences an envelope into its channel's stream; `lie` bends one part of the record. */
  append(channelId: Uint8Array, envelope: Uint8Array, commitment: Uint8Array, lie: { chain?: boolean; tag?: Uint8Array } = {}): Delivery {
    const tag = channelTag(channelId);
    const key = Buffer.from(tag).toString('hex');
    const stream = this.streams.get(key) ?? { seq: 0, chain: genesisChain(tag) };
    const seq = stream.seq + 1;
    const itemHash = envelopeHash(envelope);
    const chainHash = lie.chain ? new Uint8Array(randomBytes(32)) : nextChain(stream.chain, itemHash);
    const record = encodeRecord({ kind: RecordKind.envelope, streamTag: lie.tag ?? tag, seq, itemHash, aux: commitment, chainHash, receivedAt: Date.now() });
    this.streams.set(key, { seq, chain: chainHash });
    return { logIndex: this.appendRecord(record), record, envelope };
  }

  /** Appends some other entry (another channel's traffic). */
  appendNoise(): void {
    this.appendRecord(new Uint8Array(randomBytes(146)));
  }
}
