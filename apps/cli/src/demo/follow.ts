/**
 * The demo's live view: what a terminal's archive holds beyond a cursor, per channel, in the
 * archive's own seq order. It never asks "what did this process just verify": another process
 * on the same home (a `hotline watch`, `send` or `ack` typed in another shell) may verify and
 * archive a statement first, and it must still be shown, exactly once.
 */
import { toHex } from '@hotline/log';
import { ROUTINE_TYPES, transcriptView, type TranscriptEntry, type Terminal } from '@hotline/terminal';
import { StatementType } from '@hotline/protocol';

/** Per channel (hex id), the next archived seq to show. */
export type FollowCursor = Map<string, number>;

const HIDDEN = new Set([...ROUTINE_TYPES].map((type) => Object.entries(StatementType).find(([, v]) => v === type)?.[0]));

/** A cursor after everything archived now: the transcript up to here was already shown. */
export function cursorAtEnd(t: Pick<Terminal, 'charters' | 'archive'>): FollowCursor {
  return new Map(t.charters.all().map((c) => [toHex(c.channelId), t.archive.position(c.channelId)?.nextSeq ?? 1]));
}

/**
 * The transcript entries (the view @hotline/terminal gives the console too) archived at or after the cursor (receipts and heartbeats hidden), and the cursor
 * after them. A channel the cursor does not know yet (joined meanwhile) is shown from its start.
 */
export function archivedSince(t: Terminal, cursor: FollowCursor): { lines: { channel: string; entry: TranscriptEntry }[]; cursor: FollowCursor } {
  const next: FollowCursor = new Map(cursor);
  const lines: { channel: string; entry: TranscriptEntry }[] = [];
  for (const charter of t.charters.all()) {
    const id = toHex(charter.channelId);
    // With `all`, hidden types count too: the cursor must move past them, or they would be read again.
    const archived = transcriptView(t, charter, { fromSeq: cursor.get(id) ?? 1, limit: 1000, all: true });
    for (const entry of archived) if (!HIDDEN.has(entry.type)) lines.push({ channel: charter.name, entry });
    const last = archived.at(-1);
    if (last !== undefined) next.set(id, last.seq + 1);
  }
  return { lines, cursor: next };
}
