/**
 * MLS group state, persisted after every operation and sealed at rest. ts-mls state holds the
 * member's private keys in the clear, and must be saved before a message made from it is sent:
 * restarting from an older state could encrypt twice under the same key. Each channel keeps only
 * its latest state (older ones are overwritten, so their keys are gone from disk), plus at most
 * one pending state: the one this device's own commit leads to, adopted only if the relay
 * sequences that commit first in its epoch.
 *
 * Sealing: AES-256-GCM under the home's random storage key (`state.key`, 0600), with the
 * channel id as associated data, so a state cannot be replayed into another channel.
 */
import Database from 'better-sqlite3';
import { clientStateDecoder, clientStateEncoder, decode, encode, type ClientState } from 'ts-mls';
import { Sealer, SealError } from '../store/sealer.js';
import { openTerminalDb, prepared } from '../store/terminal-db.js';
import { HotlineError } from '../errors.js';

/** Stored MLS state that does not open or decode: the home's state is damaged or was moved. */
export class GroupStateError extends HotlineError {
  override readonly name = 'GroupStateError';
  constructor(message: string) {
    super('group_state_broken', message);
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS groups (channel BLOB PRIMARY KEY, sealed BLOB NOT NULL, updated_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_commits (channel BLOB PRIMARY KEY, envelope_hash BLOB NOT NULL, sealed BLOB NOT NULL) WITHOUT ROWID;
`;

const PENDING_AAD = new TextEncoder().encode('pending:');

export class GroupStateStore {
  private readonly db: Database.Database;
  private readonly sealer: Sealer;

  /** `database`: the terminal database, or a path to open one. */
  constructor(database: Database.Database | string, storageKey: Uint8Array) {
    this.sealer = new Sealer(storageKey);
    this.db = typeof database === 'string' ? openTerminalDb(database) : database;
    this.db.exec(SCHEMA);
  }

  private seal(state: ClientState, aad: Uint8Array): Buffer {
    return this.sealer.seal(encode(clientStateEncoder, state), aad);
  }

  private open(sealed: Buffer, aad: Uint8Array): ClientState {
    let plain: Uint8Array;
    try {
      plain = this.sealer.open(sealed, aad, 'stored group state');
    } catch (error) {
      if (error instanceof SealError) throw new GroupStateError('stored group state does not open with this storage key for this channel: wrong key, or the state was altered or moved');
      throw error;
    }
    const state = decode(clientStateDecoder, plain);
    if (state === undefined) throw new GroupStateError('stored group state is not a valid MLS client state');
    return state;
  }

  /** Durable on return (or when the enclosing transaction commits): call it before sending anything produced from `state`. `keysUpdatedAt` marks a fresh own leaf key. */
  save(channelId: Uint8Array, state: ClientState, keysUpdatedAt?: number): void {
    this.db
      .prepare('INSERT INTO groups (channel, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET sealed = excluded.sealed, updated_at = CASE WHEN ? IS NULL THEN groups.updated_at ELSE excluded.updated_at END')
      .run(channelId, this.seal(state, channelId), keysUpdatedAt ?? 0, keysUpdatedAt ?? null);
  }

  load(channelId: Uint8Array): ClientState | undefined {
    const row = prepared(this.db, 'SELECT sealed FROM groups WHERE channel = ?').get(channelId) as { sealed: Buffer } | undefined;
    return row === undefined ? undefined : this.open(row.sealed, channelId);
  }

  /** When this device last replaced its own leaf key in the channel (ms), 0 if never recorded. */
  keysUpdatedAt(channelId: Uint8Array): number {
    const row = prepared(this.db, 'SELECT updated_at FROM groups WHERE channel = ?').get(channelId) as { updated_at: number } | undefined;
    return row === undefined ? 0 : Number(row.updated_at);
  }

  savePending(channelId: Uint8Array, envelopeHash: Uint8Array, state: ClientState): void {
    prepared(this.db, 'INSERT INTO pending_commits (channel, envelope_hash, sealed) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET envelope_hash = excluded.envelope_hash, sealed = excluded.sealed')
      .run(channelId, envelopeHash, this.seal(state, new Uint8Array([...PENDING_AAD, ...channelId])));
  }

  pending(channelId: Uint8Array): { envelopeHash: Uint8Array; state: ClientState } | undefined {
    const row = prepared(this.db, 'SELECT envelope_hash, sealed FROM pending_commits WHERE channel = ?').get(channelId) as { envelope_hash: Buffer; sealed: Buffer } | undefined;
    return row === undefined ? undefined : { envelopeHash: new Uint8Array(row.envelope_hash), state: this.open(row.sealed, new Uint8Array([...PENDING_AAD, ...channelId])) };
  }

  clearPending(channelId: Uint8Array): void {
    prepared(this.db, 'DELETE FROM pending_commits WHERE channel = ?').run(channelId);
  }

  close(): void {
    this.db.close();
  }
}
