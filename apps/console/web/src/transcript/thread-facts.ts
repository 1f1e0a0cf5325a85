/**
 * A message's thread facts (the transcript entry's `thread`): what it replies to, its replies,
 * whether its thread is closed, its edits, the receipts and acks it got. The API names the
 * field but leaves its shape to the terminal views, so it is read defensively here: each fact
 * is used if present with the expected type, and ignored otherwise.
 */
export interface Edit {
  readonly seq: number | null;
  readonly text: string;
  readonly time: number | null;
}

export interface ThreadFacts {
  /** The seq this message replies to (its parent), or null. */
  readonly replyTo: number | null;
  readonly replyToId: string | null;
  readonly replies: readonly number[];
  readonly closed: boolean;
  readonly edits: readonly Edit[];
  readonly delivered: readonly string[];
  readonly read: readonly string[];
  readonly acks: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (k in o) return o[k];
  return undefined;
}

/** "party / member" or a party name from a string or a { party, member } object. */
function who(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!isObj(v)) return null;
  const party = str(v['party']);
  const member = str(v['member']);
  return party === null ? null : member === null ? party : `${party} / ${member}`;
}

function names(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => who(isObj(x) && 'by' in x ? x['by'] : x)).filter((x): x is string => x !== null) : [];
}

function seqOf(v: unknown): number | null {
  return num(v) ?? (isObj(v) ? num(v['seq']) : null);
}

export function threadFacts(thread: unknown): ThreadFacts | null {
  if (!isObj(thread)) return null;
  const parent = pick(thread, 'replyTo', 'parent', 'inReplyTo');
  const replies = pick(thread, 'replies');
  const edits = pick(thread, 'edits', 'history', 'editHistory');
  const receipts = pick(thread, 'receipts');
  const r = isObj(receipts) ? receipts : {};
  return {
    replyTo: seqOf(parent) ?? num(thread['parentSeq']),
    replyToId: str(parent) ?? (isObj(parent) ? str(parent['id']) : null),
    replies: Array.isArray(replies) ? replies.map(seqOf).filter((s): s is number => s !== null) : [],
    closed: pick(thread, 'closed') === true || (isObj(thread['closed']) && thread['closed'] !== null),
    edits: Array.isArray(edits) ? edits.filter(isObj).map((e) => ({ seq: num(e['seq']), text: str(e['text']) ?? '', time: num(pick(e, 'time', 'at', 'receivedAt')) })) : [],
    delivered: names(pick(r, 'delivered') ?? thread['delivered']),
    read: names(pick(r, 'read') ?? thread['read']),
    acks: names(pick(thread, 'acks', 'ackedBy', 'acknowledgedBy')),
  };
}
