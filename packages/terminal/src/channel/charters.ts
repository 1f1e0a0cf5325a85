/** The charters of the channels this terminal belongs to, by channel id (and by name for the CLI). */
import { prepared } from '../store/terminal-db.js';
import type Database from 'better-sqlite3';
import { toHex } from '@hotline/log';
import { decodeCharter, type Charter } from '@hotline/protocol';
import { HotlineError } from '../errors.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS channels (channel BLOB PRIMARY KEY, name TEXT NOT NULL, charter BLOB NOT NULL, joined_at INTEGER NOT NULL, removed_seq INTEGER) WITHOUT ROWID;`;

/** No channel by that name or id (`channel_not_found`), or more than one (`ambiguous`). */
export class ChannelNotFound extends HotlineError {
  override readonly name = 'ChannelNotFound';
  constructor(code: 'channel_not_found' | 'ambiguous', nameOrId: string, message: string) {
    super(code, message, { channel: nameOrId });
  }
}

export class Charters {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  add(charter: Charter, now: number): void {
    prepared(this.db, 'INSERT INTO channels (channel, name, charter, joined_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(charter.channelId, charter.name, charter.bytes, now);
  }

  /** This device was removed from the channel by the commit at `seq`: it follows it no further. */
  markRemoved(channelId: Uint8Array, seq: number): void {
    prepared(this.db, 'UPDATE channels SET removed_seq = ? WHERE channel = ? AND removed_seq IS NULL').run(seq, channelId);
  }

  removedAt(channelId: Uint8Array): number | undefined {
    const row = prepared(this.db, 'SELECT removed_seq FROM channels WHERE channel = ?').get(channelId) as { removed_seq: number | null } | undefined;
    return row?.removed_seq ?? undefined;
  }

  get(channelId: Uint8Array): Charter | undefined {
    const row = prepared(this.db, 'SELECT charter FROM channels WHERE channel = ?').get(channelId) as { charter: Buffer } | undefined;
    if (row === undefined) return undefined;
    const decoded = decodeCharter(new Uint8Array(row.charter));
    if (!decoded.ok) throw new Error(`stored charter for ${toHex(channelId)} is unreadable: ${decoded.error.message}`);
    return decoded.value;
  }

  all(): Charter[] {
    return (prepared(this.db, 'SELECT channel FROM channels ORDER BY joined_at').all() as { channel: Buffer }[]).map((r) => this.get(new Uint8Array(r.channel))!);
  }

  /** A channel by its exact name, or by a prefix (≥ 4 hex digits) of its id. */
  find(nameOrId: string): Charter {
    const all = this.all();
    const byName = all.filter((c) => c.name === nameOrId);
    if (byName.length === 1) return byName[0]!;
    const lower = nameOrId.toLowerCase();
    const byId = /^[0-9a-f]{4,32}$/.test(lower) ? all.filter((c) => toHex(c.channelId).startsWith(lower)) : [];
    if (byId.length === 1) return byId[0]!;
    if (byName.length + byId.length > 1) throw new ChannelNotFound('ambiguous', nameOrId, `${JSON.stringify(nameOrId)} names more than one channel: use its id`);
    const known = all.map((c) => `${c.name} (${toHex(c.channelId).slice(0, 8)})`).join(', ');
    throw new ChannelNotFound('channel_not_found', nameOrId, `no channel ${JSON.stringify(nameOrId)} on this terminal${known ? `; it has: ${known}` : ' (it has joined none yet: hotline channel join)'}`);
  }
}
