/**
 * The terminal's side of the hotline rules: @hotline/verify's narrow `StatementHistory` over
 * one channel of the SQLite archive. The rules read it while the pipeline stores statements in
 * seq order, so it shows exactly the history before the statement being judged.
 */
import { StatementType } from '@hotline/protocol';
import type { StatementHistory } from '@hotline/verify';
import type { Archive } from './archive.js';

export function archiveHistory(archive: Archive, channelId: Uint8Array): StatementHistory {
  return {
    chainAt: (seq) => archive.chainAt(channelId, seq),
    byId: (id) => archive.byId(channelId, id),
    frozen: () => isFrozen(archive, channelId),
    draftUsedAt: (draft) => archive.draftUsedAt(channelId, draft),
  };
}

/** True if the channel's last valid freeze/unfreeze is a freeze (checked before each new statement is stored). */
export function isFrozen(archive: Archive, channelId: Uint8Array): boolean {
  return archive.lastOfTypes(channelId, [StatementType.freeze, StatementType.unfreeze]) === StatementType.freeze;
}
