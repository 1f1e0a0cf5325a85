/**
 * What the console draws around a message (issue 13, "threads, replies, edit history, closed
 * threads, receipts and acks"): built for one page of messages from ONE forward pass over the
 * valid statements that can refer to them (console-queries.ts narrows them by index and byte
 * match) — every reply, edit, close, ack and receipt comes after what it refers to, so the pass
 * starts at the page's first seq and never looks back.
 * Only valid statements count (an invalid one counts for nothing, protocol.md §13.2).
 */
import { toHex } from '@hotline/log';
import { decodeAckBody, decodeMessageBody, decodeReceiptBody, decodeVerifiedStatement, ReceiptKind, statementId, StatementType, type Charter, type Statement } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { referringStatements } from './console-queries.js';
import { prepared } from '../store/terminal-db.js';

export interface ThreadFacts {
  /** Id (64 hex) of the statement this one replies to (its parent field), or null. */
  readonly parent: string | null;
  /** The parent's seq in this channel, or null if the archive holds no statement with that id. */
  readonly parentSeq: number | null;
  /** Ids of valid replies (messages whose parent is this one), in seq order. */
  readonly replies: readonly string[];
  /** Valid edits of this message (or of an earlier edit of it), oldest first. */
  readonly edits: readonly { readonly seq: number; readonly id: string; readonly text: string; readonly time: number }[];
  /** True if a valid close-thread statement names this message. */
  readonly closed: boolean;
  readonly acks: readonly { readonly party: string; readonly member: string; readonly seq: number; readonly id: string }[];
  readonly receipts: readonly { readonly party: string; readonly member: string; readonly kind: 'delivered' | 'read'; readonly seq: number }[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Thread facts for each message of the page (by whole hex id); the pass starts at `fromSeq`, the page's first seq. */
export function threadFacts(t: Terminal, charter: Charter, messages: readonly { id: string; statement: Statement }[], fromSeq: number): Map<string, ThreadFacts> {
  const facts = new Map<string, Mutable<ThreadFacts>>();
  for (const m of messages) facts.set(m.id, { parent: m.statement.parent === undefined ? null : toHex(m.statement.parent), parentSeq: m.statement.parent === undefined ? null : seqOfId(t, charter.channelId, m.statement.parent), replies: [], edits: [], closed: false, acks: [], receipts: [] });
  if (facts.size === 0) return facts;
  const who = authorNames(t);
  const editRoot = new Map<string, string>(); // edit id → the message it ultimately edits
  for (const row of referringStatements(t, charter.channelId, messages.map((m) => statementId(m.statement)), fromSeq)) {
    const opened = decodeVerifiedStatement(row.statement);
    if (!opened.ok) continue; // unreadable bytes: the entry's own check marks it archive_altered
    const s = opened.value;
    const parent = s.parent === undefined ? undefined : toHex(s.parent);
    switch (s.type) {
      case StatementType.message:
        if (parent !== undefined) facts.get(parent)?.replies.push(toHex(statementId(s)));
        break;
      case StatementType.edit: {
        if (parent === undefined) break;
        const root = editRoot.get(parent) ?? parent;
        const id = toHex(statementId(s));
        editRoot.set(id, root);
        const body = decodeMessageBody(s.body);
        if (body.ok) facts.get(root)?.edits.push({ seq: row.seq, id, text: body.value.text, time: s.time });
        break;
      }
      case StatementType.closeThread: {
        const target = parent === undefined ? undefined : facts.get(parent);
        if (target !== undefined) target.closed = true;
        break;
      }
      case StatementType.ack: {
        const body = decodeAckBody(s.body);
        if (body.ok) facts.get(toHex(body.value.messageId))?.acks.push({ ...who(s.author), seq: row.seq, id: toHex(statementId(s)) });
        break;
      }
      case StatementType.receipt: {
        const body = decodeReceiptBody(s.body);
        if (!body.ok) break;
        const kind = body.value.kind === ReceiptKind.read ? 'read' : 'delivered';
        for (const id of body.value.ids) facts.get(toHex(id))?.receipts.push({ ...who(s.author), kind, seq: row.seq });
        break;
      }
    }
  }
  return facts;
}

/** The seq of an archived statement of the channel by its id (the statements table's unique index). */
function seqOfId(t: Terminal, channelId: Uint8Array, id: Uint8Array): number | null {
  const row = prepared(t.db, 'SELECT seq FROM statements WHERE statement_id = ? AND channel = ?').get(id, channelId) as { seq: number } | undefined;
  return row === undefined ? null : Number(row.seq);
}

/** Party and member of a device as the verified directory names it, looked up once per device. */
function authorNames(t: Terminal): (key: Uint8Array) => { party: string; member: string } {
  const cache = new Map<string, { party: string; member: string }>();
  return (key) => {
    const hex = toHex(key);
    let names = cache.get(hex);
    if (names === undefined) {
      const entry = t.directory.entry(key);
      names = entry === undefined ? { party: '', member: `device ${hex.slice(0, 12)}…` } : { party: entry.party, member: entry.member };
      cache.set(hex, names);
    }
    return names;
  };
}
