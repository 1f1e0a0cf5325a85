/** Sequence items for the storage tests: random hashes and bodies, no protocol parsing needed. */
import { randomBytes } from 'node:crypto';
import { channelTag, RecordKind } from '@hotline/protocol';
import type { SequenceItem } from '../../src/storage/records.js';

export function newChannel(): Uint8Array {
  return channelTag(new Uint8Array(randomBytes(16)));
}

/** An envelope-kind item with a fresh hash; `handshake` marks an MLS handshake of that epoch. */
export function item(streamTag: Uint8Array, handshake?: { epoch: number; commit: boolean }): SequenceItem {
  return {
    kind: RecordKind.envelope,
    streamTag,
    itemHash: new Uint8Array(randomBytes(32)),
    aux: new Uint8Array(randomBytes(32)),
    body: new Uint8Array(randomBytes(40)),
    ...(handshake === undefined ? {} : { handshake }),
  };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
