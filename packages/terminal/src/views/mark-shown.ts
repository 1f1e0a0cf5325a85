/**
 * Read receipts for what a person was shown in the console (console-api.md §3, command `read`):
 * the same rule as `hotline watch --read-receipts` (wantsReadReceipt: a valid message of another
 * party), sent with the same sendReceipts, but never twice for one message from this device —
 * a console redraws a page many times, and each receipt is a signed statement in the log.
 */
import { toHex } from '@hotline/log';
import { decodeReceiptBody, decodeVerifiedStatement, ReceiptKind, StatementType, type Charter } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { sendReceipts } from '../channel/rule-actions.js';
import { ownStatementsFrom, ownUnarchived } from './console-queries.js';
import { wantsReadReceipt } from './transcript-view.js';

/**
 * Sends read receipts for the valid messages of other parties at `seqs` that this device has
 * not receipted as read (archived, or still in its outbox). Returns how many messages it
 * receipted: 0 when none needed one, or while the channel is frozen or party-internal.
 */
export async function markShown(t: Terminal, charter: Charter, seqs: readonly number[]): Promise<number> {
  const wanted = [...new Set(seqs)].filter((s) => Number.isSafeInteger(s) && s >= 1).sort((a, b) => a - b);
  if (wanted.length === 0) return 0;
  // A receipt comes after what it receipts: this device's own receipts from the first seq on are all that matter.
  const already = readIds(t, charter, wanted[0]!);
  const ids: Uint8Array[] = [];
  for (const seq of wanted) {
    const stored = t.archive.at(charter.channelId, seq);
    const id = stored === undefined ? undefined : wantsReadReceipt(t, stored);
    if (id !== undefined && !already.has(toHex(id))) {
      already.add(toHex(id));
      ids.push(id);
    }
  }
  const sent = await sendReceipts(t, charter, ids, ReceiptKind.read);
  return sent === undefined ? 0 : ids.length;
}

/** Ids this device already sent (or is sending) a read receipt for, from `fromSeq` on. */
function readIds(t: Terminal, charter: Charter, fromSeq: number): Set<string> {
  const ids = new Set<string>();
  for (const bytes of [...ownStatementsFrom(t, charter.channelId, StatementType.receipt, fromSeq), ...ownUnarchived(t, charter.channelId, fromSeq)]) {
    const s = decodeVerifiedStatement(bytes);
    if (!s.ok || s.value.type !== StatementType.receipt) continue;
    const body = decodeReceiptBody(s.value.body);
    if (body.ok && body.value.kind === ReceiptKind.read) for (const id of body.value.ids) ids.add(toHex(id));
  }
  return ids;
}
