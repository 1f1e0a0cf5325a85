/**
 * The relay's storage, as small asynchronous interfaces: one per concern, each with the
 * durability, retry and concurrency contract every backend must keep. Backends (SQLite in
 * storage/sqlite/, PostgreSQL later in storage/postgres/) are written in their own database's
 * idiom and share this contract and test/storage/conformance.ts — not code.
 *
 * Common to all: a method that writes resolves only once its write is durable (a power cut
 * after it resolves loses nothing), and a write that rejects left nothing behind, so the caller
 * may retry it whole. Reads see every write that resolved before they were called.
 */
import type { SignerKey } from '@hotline/log';
import type {
  ChannelRow,
  DeviceRow,
  MailItem,
  Placement,
  SequenceItem,
  StoredCheckpoint,
  StoredTile,
  StreamItem,
  TileWrite,
} from './records.js';

/**
 * The one sequencer: per-stream seq and chain hash, log index and record, atomically.
 *
 * Concurrency: several callers (and, for a shared backend, several processes) may call
 * `appendBatch` at once; batches are serialised by the backend (SQLite: one writing
 * connection; PostgreSQL: a row lock on the tree state), so seqs and log indexes never repeat
 * and never skip. Retry: a rejected batch stored nothing; resubmitting it is safe, and an item
 * that did commit before a lost reply comes back as its original placement (`duplicate`).
 */
export interface Sequencing {
  /**
   * Sequences a batch atomically: each item gets the next seq of its stream, the next chain
   * hash (protocol `nextChain`, from `genesisChain` for a new stream), the next log index and
   * its 146-byte log record — unless the same item hash is already in that stream, in which
   * case its original placement is returned with `duplicate: true`. A handshake whose epoch
   * of its stream already has a commit (sequenced earlier, or earlier in this batch) is not
   * stored and gets an `EpochRefusal` — unless it is that very item again (a duplicate). The
   * first commit of an epoch claims it, durably with its log row. Resolves once durable.
   */
  appendBatch(items: readonly SequenceItem[], receivedAt: number): Promise<Placement[]>;
  /** Number of log entries durably sequenced. */
  logSize(): Promise<number>;
  /** False once the backend can no longer commit (a dead writer): the relay reports degraded. */
  readonly healthy: boolean;
}

/** Reading what was sequenced. Append-only data: any read may be cached forever by a caller. */
export interface LogReader {
  /** Log records [from, to), in index order. Requires to ≤ the durable log size. */
  readRecords(from: number, to: number): Promise<Uint8Array[]>;
  /** Items of a stream with seq ≥ fromSeq, in seq order, at most `limit`. */
  readStream(streamTag: Uint8Array, fromSeq: number, limit: number): Promise<StreamItem[]>;
  /** The last durable seq of a stream (0 when empty). */
  lastSeq(streamTag: Uint8Array): Promise<number>;
}

/**
 * The Merkle tree's tiles and the checkpoint that signs them.
 *
 * Concurrency: `integrate` is a compare-and-swap on the stored checkpoint (Sunlight's rule): of
 * two integrators racing from the same checkpoint exactly one stores anything, and the loser's
 * tiles are not written either (Sunlight issue #11: a losing writer still overwrote tiles).
 * Retry: `false` is final for that expected size — the caller must re-read, never resubmit.
 */
export interface CheckpointStore {
  /** Tree size whose tiles are stored (integration progress). */
  integratedSize(): Promise<number>;
  /**
   * Stores new tiles, the new integrated size and the checkpoint that signs them, atomically
   * and durably — provided the stored checkpoint still has `expectedSize` (undefined: none
   * yet). Resolves false, storing nothing, if it changed.
   */
  integrate(tiles: readonly TileWrite[], treeSize: number, expectedSize: number | undefined, note: string): Promise<boolean>;
  /** The widest stored version of tile (level, index); partial tiles are prefixes of it. */
  getTile(level: number, index: number): Promise<StoredTile | undefined>;
  /** The latest stored checkpoint. */
  checkpoint(): Promise<StoredCheckpoint | undefined>;
}

/**
 * Registered devices. Written only by `Sequencing.appendBatch` (a certificate's or revocation's
 * directory effect, in the same transaction as its log row), so the directory is never ahead
 * of or behind the log. A registration is first-wins; of several revocations the earliest
 * time wins. Read-only here.
 */
export interface DirectoryStore {
  device(key: Uint8Array): Promise<DeviceRow | undefined>;
  /** Every device, for the in-memory access snapshot (storage/access.ts). */
  devices(): AsyncIterable<DeviceRow>;
  /**
   * The bytes of a logged revocation, by its item hash (H(revocation), the kind-3 log record's
   * item hash), or undefined. Only revocation rows answer: never an envelope or a certificate.
   */
  revocation(itemHash: Uint8Array): Promise<Uint8Array | undefined>;
}

/**
 * Channels and their access lists. Concurrency: `putChannel` is a compare-and-set on the
 * version — of two writers of the same version exactly one wins, and a stale version never
 * replaces a newer one. Retry: a rejected put stored nothing.
 */
export interface ChannelStore {
  channel(id: Uint8Array): Promise<ChannelRow | undefined>;
  /** Stores a membership document if its version is newer than the stored one. */
  putChannel(channel: ChannelRow): Promise<boolean>;
  /** Every channel's members, for the in-memory access snapshot. */
  memberships(): AsyncIterable<MembershipRow>;
}

/**
 * Device mailboxes: not logged, consumed once. Concurrency: `takeMail` hands each item to at
 * most one caller, even when callers race (key packages are single-use); `putMail` keeps the
 * per-recipient bound even when puts race. Ids increase in insertion order per backend.
 * Retry: a rejected put stored nothing; a put whose reply was lost may be stored (mail is not
 * deduplicated: it is the recipient's MLS layer that rejects a replayed welcome).
 */
export interface MailboxStore {
  /** The new item's id, or undefined when the recipient already holds `maxPerRecipient` items. */
  putMail(recipient: Uint8Array, kind: number, sender: Uint8Array, body: Uint8Array, createdAt: number, maxPerRecipient: number): Promise<number | undefined>;
  /** Oldest first; `kind` undefined lists every kind. */
  listMail(recipient: Uint8Array, kind: number | undefined, limit: number): Promise<MailItem[]>;
  /** Only the recipient's own item: false if it has no item with this id. */
  deleteMail(recipient: Uint8Array, id: number): Promise<boolean>;
  /** Takes (reads and deletes) the oldest item of `kind` for a recipient. */
  takeMail(recipient: Uint8Array, kind: number): Promise<MailItem | undefined>;
}

/** Folding sequenced entries into tiles and signing checkpoints, however the backend runs it. */
export interface Integration {
  /** The latest checkpoint this integration signed or found stored. */
  readonly checkpoint: StoredCheckpoint | undefined;
  /** The log grew to `size` (durable): integrate it soon. */
  notify(size: number): void;
  /** Signs a final checkpoint covering everything notified, then stops. */
  close(): Promise<void>;
}

export interface IntegrationOptions {
  /** The log's signing key: given to integration only, never to request handlers. */
  readonly key: SignerKey;
  readonly intervalMs: number;
  readonly onCheckpoint: (size: number, note: string) => void;
  readonly onError: (message: string) => void;
}

/**
 * What a relay node reads to learn of the commits of other nodes on the same database
 * (cluster/follower.ts). Only a backend several processes share has one. Everything it
 * answers is committed: the bus only says when to ask, never what is true.
 */
export interface ClusterFeed {
  /**
   * The durable log size and the access revision (a counter every accepted `putChannel`
   * increments, in commit order), in one read.
   */
  watermarks(): Promise<{ readonly logSize: number; readonly accessRevision: number }>;
  /**
   * Channels whose access list was stored at a revision after `revision`, oldest first, at
   * most `limit`; `revision` of the answer is the highest among them (or the one asked for).
   * A reader that saw revision r has seen every revision before it (revisions commit in order).
   */
  channelsChangedSince(revision: number, limit: number): Promise<{ readonly channels: readonly MembershipRow[]; readonly revision: number }>;
  /** The revision of this process's latest accepted `putChannel` (0 before any): what it announces. */
  readonly lastAccessRevision: number;
}

export interface MembershipRow {
  readonly id: Uint8Array;
  readonly version: number;
  readonly members: readonly Uint8Array[];
}

/** One backend, opened: every concern, and how to run integration next to it. */
export interface RelayStorage {
  /** A URL naming the backend without credentials, for logs. */
  readonly description: string;
  readonly sequencing: Sequencing;
  readonly log: LogReader;
  readonly tree: CheckpointStore;
  readonly directory: DirectoryStore;
  readonly channels: ChannelStore;
  readonly mailboxes: MailboxStore;
  /** Present when other relay processes may share this storage (PostgreSQL). */
  readonly cluster?: ClusterFeed;
  /** SQLite integrates on a thread of its own; a shared backend may run it in process. */
  startIntegration(options: IntegrationOptions): Promise<Integration>;
  /** After every pending write has resolved; further calls reject. */
  close(): Promise<void>;
}
