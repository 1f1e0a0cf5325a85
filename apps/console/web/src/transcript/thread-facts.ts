/**
 * A message's thread facts as the page shows them, from the transcript entry's `thread`
 * (docs/spec/console-api.md §2, packages/terminal/src/views/thread-facts.ts): what it replies
 * to, its replies, whether its thread is closed, its edits, and who sent receipts and acks.
 */
import type { ThreadFactsWire } from '../api/types.js';

export interface Edit {
  readonly seq: number;
  readonly text: string;
  readonly time: number;
}

export interface ThreadFacts {
  /** The seq this message replies to (its parent), or null (none, or not archived here). */
  readonly replyTo: number | null;
  readonly replyToId: string | null;
  /** Ids of its replies. */
  readonly replies: readonly string[];
  readonly closed: boolean;
  readonly edits: readonly Edit[];
  /** "party / member" of each device that sent a delivered or a read receipt, once each. */
  readonly delivered: readonly string[];
  readonly read: readonly string[];
  readonly acks: readonly string[];
}

const unique = (names: readonly string[]) => [...new Set(names)];
const who = (r: { party: string; member: string }) => (r.party === '' ? r.member : `${r.party} / ${r.member}`);

export function threadFacts(thread: ThreadFactsWire | null): ThreadFacts | null {
  if (thread === null) return null;
  return {
    replyTo: thread.parentSeq,
    replyToId: thread.parent,
    replies: thread.replies,
    closed: thread.closed,
    edits: thread.edits.map((e) => ({ seq: e.seq, text: e.text, time: e.time })),
    delivered: unique(thread.receipts.filter((r) => r.kind === 'delivered').map(who)),
    read: unique(thread.receipts.filter((r) => r.kind === 'read').map(who)),
    acks: unique(thread.acks.map(who)),
  };
}
