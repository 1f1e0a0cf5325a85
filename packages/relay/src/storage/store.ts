/**
 * The relay's storage contract. One implementation per backend, each written in its own
 * database's native way (SQLite now; PostgreSQL + NATS later): they share this contract and a
 * conformance test suite, not code.
 *
 * Durability: a method that writes resolves only once its write is durable (fsync'd), and a
 * rejected write left nothing behind. Concurrency: one relay process owns a SQLite store; a
 * shared backend must make `appendBatch` and `swapCheckpoint` safe across processes.
 */
import type { RecordKind } from '@hotline/protocol';

/** One thing to sequence into a stream (a channel or a party directory) and the log. */
export interface SequenceItem {
  readonly kind: RecordKind;
  readonly streamTag: Uint8Array;
  readonly itemHash: Uint8Array;
  readonly aux: Uint8Array;
  /** The envelope, certificate or revocation bytes, kept for delivery and the directory. */
  readonly body: Uint8Array;
  /** Directory side effect applied in the same transaction as the log row. */
  readonly directory?: DeviceRow | { readonly revokeKey: Uint8Array; readonly revokedAt: number };
  /** An MLS handshake envelope's epoch (protocol.md §5.1); a commit claims the epoch. */
  readonly handshake?: HandshakeEpoch;
}

export interface HandshakeEpoch {
  readonly epoch: number;
  readonly commit: boolean;
}

/**
 * A handshake refused at sequencing time because its epoch of the stream already has a commit
 * (one commit per epoch, protocol.md §5.1). Nothing of it was stored.
 */
export interface EpochRefusal {
  readonly refused: 'epoch_committed';
  readonly epoch: number;
  /** Seq of the commit that claimed the epoch. */
  readonly committedSeq: number;
  /** One past the stream's highest committed epoch: the epoch its members are in. */
  readonly streamEpoch: number;
}

export type Placement = Sequenced | EpochRefusal;

export function isRefusal(placement: Placement): placement is EpochRefusal {
  return 'refused' in placement;
}

/** Where an item landed: what the relay promises back (the receipt). */
export interface Sequenced {
  readonly seq: number;
  readonly logIndex: number;
  readonly chainHash: Uint8Array;
  readonly receivedAt: number;
  readonly record: Uint8Array;
  /** True when the item was already in its stream: this is its original receipt. */
  readonly duplicate: boolean;
}

export interface StreamItem {
  readonly logIndex: number;
  readonly seq: number;
  readonly record: Uint8Array;
  readonly body: Uint8Array;
}

export interface DeviceRow {
  readonly key: Uint8Array;
  readonly party: string;
  readonly member: string;
  readonly roles: number;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly certificate: Uint8Array;
  readonly revokedAt?: number;
}

export interface ChannelRow {
  readonly id: Uint8Array;
  readonly creator: Uint8Array;
  readonly version: number;
  readonly membership: Uint8Array;
  readonly members: readonly Uint8Array[];
}

export interface MailItem {
  readonly id: number;
  readonly kind: number;
  readonly sender: Uint8Array;
  readonly body: Uint8Array;
  readonly createdAt: number;
}

export interface StoredTile {
  readonly width: number;
  readonly hashes: Uint8Array;
}

export interface RelayStore {
  /**
   * Sequences a batch atomically: each item gets the next seq of its stream, the next chain
   * hash (protocol `nextChain`, from `genesisChain` for a new stream), the next log index and
   * its 146-byte log record — unless the same item hash is already in that stream, in which
   * case its original placement is returned with `duplicate: true`. A handshake whose epoch
   * of its stream already has a commit (sequenced earlier, or earlier in this batch) is not
   * stored and gets an `EpochRefusal` — unless it is that very item again (a duplicate). The
   * first commit of an epoch claims it, durably with its log row. Durable on return; on
   * failure nothing of the batch is stored.
   */
  appendBatch(items: readonly SequenceItem[], receivedAt: number): Placement[];

  /** Number of log entries sequenced (durable). */
  logSize(): number;
  /** Log records [from, to). Requires to ≤ logSize(). */
  readRecords(from: number, to: number): Uint8Array[];
  /** Items of a stream with seq ≥ fromSeq, in order, at most `limit`. */
  readStream(streamTag: Uint8Array, fromSeq: number, limit: number): StreamItem[];
  /** The last seq of a stream (0 when empty). */
  lastSeq(streamTag: Uint8Array): number;

  /** Tree size whose tiles are stored (integration progress). */
  integratedSize(): number;
  /**
   * Stores new tiles, the new integrated size and the checkpoint that signs them, atomically
   * (one commit, durable on return) — provided the stored checkpoint still has `expectedSize`
   * (compare-and-swap; undefined: none yet). Returns false, storing nothing, if it changed.
   */
  integrate(tiles: readonly { level: number; index: number; width: number; hashes: Uint8Array }[], treeSize: number, expectedSize: number | undefined, note: string): boolean;
  /** The widest stored version of tile (level, index); partial tiles are prefixes of it. */
  getTile(level: number, index: number): StoredTile | undefined;

  /** The latest signed checkpoint. */
  checkpoint(): { size: number; note: string } | undefined;

  /** May be cached: call `forgetDevice` after sequencing a certificate or revocation for it. */
  device(key: Uint8Array): DeviceRow | undefined;
  forgetDevice(key: Uint8Array): void;
  channel(id: Uint8Array): ChannelRow | undefined;
  isMember(channelId: Uint8Array, device: Uint8Array): boolean;
  /** Stores a membership document if its version is newer than the stored one. */
  putChannel(channel: ChannelRow): boolean;

  putMail(recipient: Uint8Array, kind: number, sender: Uint8Array, body: Uint8Array, createdAt: number, maxPerRecipient: number): number | undefined;
  listMail(recipient: Uint8Array, kind: number | undefined, limit: number): MailItem[];
  deleteMail(recipient: Uint8Array, id: number): boolean;
  /** Takes (reads and deletes) the oldest mail of `kind` for a recipient: key packages are single-use. */
  takeMail(recipient: Uint8Array, kind: number): MailItem | undefined;

  /** A value the relay keeps across restarts (log origin, etc.). */
  meta(key: string): Uint8Array | undefined;
  setMeta(key: string, value: Uint8Array): void;

  close(): void;
}
