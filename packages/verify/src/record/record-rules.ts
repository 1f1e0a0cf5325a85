/**
 * The rules step of a record bundle (record.md step 8): the hotline rules of packages/verify's
 * rules/ — the very code every terminal runs as it syncs — walked over the bundle's statements in
 * seq order, with the bundle's own history and directory. So a bundle and the terminals that
 * lived the exchange reach the same verdict on each statement.
 *
 * A statement that breaks a rule stays in the record, marked with the rule it breaks (the
 * transcript's `breaches`), and counts for nothing later — as in every terminal. One breach
 * fails the bundle: `head_mismatch`, an author citing a transcript head that is not this
 * record's chain at that seq — the parties saw different histories, so this record is not the
 * one its own acknowledgements co-signed.
 */
import { toHex } from '@hotline/log';
import { statementId, StatementType, type Statement } from '@hotline/protocol';
import { deviceAt } from '../directory/device-at.js';
import type { DirectoryEntry } from '../directory/directory-entry.js';
import { verifyForward, type ForwardOutcome } from '../forward/verify-forward.js';
import { checkStatementRules, draftSentBy } from '../rules/check-statement.js';
import type { HistoryStatement, StatementHistory } from '../rules/statement-history.js';
import type { RecordRulesCheck, RecordRulesInput, RecordRulesOutcome } from './types.js';

/** One channel's history as the walk has judged it so far. */
class WalkedHistory implements StatementHistory {
  private readonly chains = new Map<number, Uint8Array>();
  private readonly ids = new Map<string, HistoryStatement>();
  private readonly drafts = new Map<string, number>();
  private isFrozen = false;

  constructor(from: number, startChain: Uint8Array) {
    this.chains.set(from - 1, startChain);
  }

  chainAt(seq: number): Uint8Array | undefined {
    return this.chains.get(seq);
  }
  byId(id: Uint8Array): HistoryStatement | undefined {
    return this.ids.get(toHex(id));
  }
  frozen(): boolean {
    return this.isFrozen;
  }
  draftUsedAt(draftIdHex: string): number | undefined {
    return this.drafts.get(draftIdHex);
  }

  addChain(seq: number, chain: Uint8Array): void {
    this.chains.set(seq, chain);
  }
  addStatement(seq: number, statement: Statement, idHex: string, valid: boolean, freezeState: boolean | undefined): void {
    this.ids.set(idHex, { seq, statement, valid });
    if (!valid) return;
    const draft = draftSentBy(statement);
    if (draft !== undefined) this.drafts.set(draft, seq);
    if (freezeState !== undefined) this.isFrozen = freezeState;
  }
}


export const hotlineRecordRules: RecordRulesCheck = (input: RecordRulesInput): RecordRulesOutcome => {
  const first = input.items[0];
  if (first === undefined) return {};
  const history = new WalkedHistory(first.seq, input.startChain);
  const breaches = new Map<number, readonly string[]>();
  const forwards = new Map<number, ForwardOutcome>();
  for (const item of input.items) {
    if (item.statement !== undefined) {
      const at = (key: Uint8Array): DirectoryEntry | undefined => {
        const device = input.device(toHex(key));
        return device === undefined ? undefined : deviceAt(device, item.logIndex, item.receivedAt);
      };
      const forward = (body: Uint8Array): ForwardOutcome => {
        const outcome = verifyForward(body, { target: input.charter, pinned: input.pinned, device: (key) => input.device(toHex(key)) });
        forwards.set(item.seq, outcome);
        return outcome;
      };
      const breach = checkStatementRules({ charter: input.charter, author: at(item.statement.author), device: at, history, forward }, item.statement, item.seq);
      if (breach?.code === 'head_mismatch') return { failure: { item: `seq ${item.seq}`, code: breach.code, message: `seq ${item.seq}: ${breach.message}` } };
      if (breach !== undefined) breaches.set(item.seq, [breach.code]);
      const type = item.statement.type;
      history.addStatement(item.seq, item.statement, item.statementIdHex ?? toHex(statementId(item.statement)), breach === undefined, type === StatementType.freeze ? true : type === StatementType.unfreeze ? false : undefined);
    }
    history.addChain(item.seq, item.chainHash);
  }
  return { breaches, forwards };
};
