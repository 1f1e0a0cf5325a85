/**
 * The cross-references a reader of a transcript needs and a statement only names by id: which
 * seq an id is at, who acknowledged a message, and each message's versions (the original and its
 * edits, in seq order — protocol.md §13.1: earlier versions stay in the transcript).
 */
import type { TranscriptItem, TranscriptStatement } from '@hotline/verify';

export interface Located {
  readonly seq: number;
  readonly statement: TranscriptStatement;
}

export interface TranscriptIndex {
  /** Statement id (hex) → where it is. */
  readonly byId: ReadonlyMap<string, Located>;
  /** Message id → the acks that name it, in seq order. */
  readonly acks: ReadonlyMap<string, readonly Located[]>;
  /** Any version's id → all versions of that message, the original first. */
  readonly versions: ReadonlyMap<string, readonly Located[]>;
}

export function transcriptIndex(items: readonly TranscriptItem[]): TranscriptIndex {
  const byId = new Map<string, Located>();
  const acks = new Map<string, Located[]>();
  const versions = new Map<string, Located[]>();
  for (const item of items) {
    const statement = item.statement;
    if (item.kind !== 'statement' || statement === undefined) continue;
    const here = { seq: item.seq, statement };
    byId.set(statement.id, here);
    if (statement.body.kind === 'ack') push(acks, statement.body.message, here);
    if (statement.type === 'message') versions.set(statement.id, [here]);
    else if (statement.type === 'edit' && statement.parent !== undefined) {
      // An edit replaces a message or an earlier edit: it joins the versions of whatever its
      // parent belongs to (one of its own when the parent is before the range).
      const chain = versions.get(statement.parent);
      if (chain !== undefined) chain.push(here);
      versions.set(statement.id, chain ?? [here]);
    }
  }
  return { byId, acks, versions };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
