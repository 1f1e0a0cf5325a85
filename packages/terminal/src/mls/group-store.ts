/**
 * MLS group state, persisted after every operation and sealed at rest. ts-mls state holds the
 * member's private keys in the clear, and must be saved before a message made from it is sent:
 * restarting from an older state could encrypt twice under the same key. Each channel keeps only
 * its latest state (older ones are overwritten, so their keys are gone from disk).
 *
 * Sealing: AES-256-GCM under a random 32-byte storage key (the home's `state.key`, 0600), with
 * the channel id as associated data, so a state cannot be replayed into another channel.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { clientStateDecoder, clientStateEncoder, decode, encode, type ClientState } from 'ts-mls';

export class GroupStateError extends Error {
  override readonly name = 'GroupStateError';
}

export class GroupStateStore {
  private readonly db: Database.Database;

  constructor(
    path: string,
    private readonly storageKey: Uint8Array,
  ) {
    if (storageKey.length !== 32) throw new RangeError('the storage key must be 32 bytes');
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS groups (channel BLOB PRIMARY KEY, sealed BLOB NOT NULL) WITHOUT ROWID');
  }

  /** Durable on return: call it before sending anything produced from `state`. */
  save(channelId: Uint8Array, state: ClientState): void {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.storageKey, nonce);
    cipher.setAAD(channelId);
    const sealed = Buffer.concat([nonce, cipher.update(encode(clientStateEncoder, state)), cipher.final(), cipher.getAuthTag()]);
    this.db.prepare('INSERT INTO groups (channel, sealed) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE SET sealed = excluded.sealed').run(channelId, sealed);
  }

  load(channelId: Uint8Array): ClientState | undefined {
    const row = this.db.prepare('SELECT sealed FROM groups WHERE channel = ?').get(channelId) as { sealed: Buffer } | undefined;
    if (row === undefined) return undefined;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.storageKey, row.sealed.subarray(0, 12));
      decipher.setAAD(channelId);
      decipher.setAuthTag(row.sealed.subarray(row.sealed.length - 16));
      plain = Buffer.concat([decipher.update(row.sealed.subarray(12, row.sealed.length - 16)), decipher.final()]);
    } catch {
      throw new GroupStateError('stored group state does not open with this storage key for this channel: wrong key, or the state was altered or moved');
    }
    const state = decode(clientStateDecoder, new Uint8Array(plain));
    if (state === undefined) throw new GroupStateError('stored group state is not a valid MLS client state');
    return state;
  }

  close(): void {
    this.db.close();
  }
}
