/**
 * The last N valid messages of a channel, as the status board needs them (seq, receive time,
 * author, precedence, id) and no more, kept in memory and extended by what was archived since
 * the last call. The board runs after every round of a running terminal; reading the whole
 * window from SQLite each time (10,000 statements of ~1.2 KB, copied and decoded, per round)
 * was nearly all the garbage the service made, and what pushed its RSS past 256 MB.
 *
 * Sound across processes: statements are only ever inserted, at a channel's next seq, with
 * their `valid` flag fixed, so what another process on the home archived is exactly the rows
 * past the newest seq held here. Nothing is kept from inside a transaction, which could still
 * roll back.
 */
import type Database from 'better-sqlite3';
import { toHex } from '@hotline/log';
import { decodeMessageBody, decodeVerifiedStatement, statementId, StatementType } from '@hotline/protocol';
import { prepared } from '../store/terminal-db.js';

export interface MessageSummary {
  readonly seq: number;
  /** The relay's receive time from the log record (ms). */
  readonly receivedAt: number;
  /** The author's device key, hex. */
  readonly author: string;
  /** The whole statement id, hex. */
  readonly id: string;
  /** Undefined if the body does not decode (the board then gives it no deadline). */
  readonly precedence: number | undefined;
}

interface Row {
  seq: number;
  statement: Buffer;
  received_at: number;
}

export class RecentMessages {
  /** By channel id (hex): the held window, oldest first, and how many it was asked for. */
  private readonly held = new Map<string, { messages: MessageSummary[]; size: number }>();
  /** One string per author key, shared by every summary it wrote. */
  private readonly authors = new Map<string, string>();

  constructor(private readonly db: Database.Database) {}

  /** The channel's last `last` valid messages, oldest first (the array is shared: do not change it). */
  last(channelId: Uint8Array, last: number): readonly MessageSummary[] {
    const key = toHex(channelId);
    const cached = this.held.get(key);
    const window = cached !== undefined && cached.size === last ? cached.messages : [];
    const after = window.at(-1)?.seq ?? 0;
    const rows = prepared(this.db, 'SELECT seq, statement, received_at FROM statements WHERE channel = ? AND type = ? AND valid = 1 AND seq > ? ORDER BY seq DESC LIMIT ?')
      .all(channelId, StatementType.message, after, last) as Row[];
    if (rows.length === 0) return window;
    const fresh = rows.reverse().map((r) => this.summary(r));
    const messages = window.length + fresh.length <= last ? window.concat(fresh) : window.slice(window.length + fresh.length - last).concat(fresh);
    if (!this.db.inTransaction) this.held.set(key, { messages, size: last });
    return messages;
  }

  private summary(row: Row): MessageSummary {
    const opened = decodeVerifiedStatement(row.statement);
    if (!opened.ok) throw new Error(`archived statement at seq ${row.seq} is unreadable: ${opened.error.message}`);
    const statement = opened.value;
    const author = toHex(statement.author);
    const shared = this.authors.get(author) ?? (this.authors.set(author, author), author);
    const body = decodeMessageBody(statement.body);
    return { seq: Number(row.seq), receivedAt: Number(row.received_at), author: shared, id: toHex(statementId(statement)), precedence: body.ok ? body.value.precedence : undefined };
  }
}
