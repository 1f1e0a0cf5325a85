/**
 * The shapes of what the relay stores and reads back, shared by every backend. Plain data:
 * no behaviour, no database types (a backend maps its rows to these).
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
  readonly directory?: DirectoryEffect;
  /** An MLS handshake envelope's epoch (protocol.md §5.1); a commit claims the epoch. */
  readonly handshake?: HandshakeEpoch;
}

/** A certificate registers its device; a revocation dates the device's end. */
export type DirectoryEffect = DeviceRow | RevocationEffect;

export interface RevocationEffect {
  readonly revokeKey: Uint8Array;
  readonly revokedAt: number;
}

export function isRevocation(effect: DirectoryEffect): effect is RevocationEffect {
  return 'revokeKey' in effect;
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

/** The log size a batch's placements prove durable: one past the highest index placed. */
export function sizeAfter(placements: readonly Placement[]): number {
  let size = 0;
  for (const p of placements) if (!isRefusal(p) && p.logIndex + 1 > size) size = p.logIndex + 1;
  return size;
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

/** A tile to store: the widest version wins, narrower partial tiles are its prefixes. */
export interface TileWrite {
  readonly level: number;
  readonly index: number;
  readonly width: number;
  readonly hashes: Uint8Array;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly note: string;
}
