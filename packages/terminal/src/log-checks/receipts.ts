/**
 * Every receipt this device holds is a promise by the relay: "your envelope is seq S of the
 * channel, at log index I, durably". Once a log scan has proven the log past I, the record at I
 * must be exactly that envelope's (same channel tag, same seq, same envelope hash); anything
 * else is `receipt_broken` — evidence, kept for good, naming the statement. A receipt that no
 * cosigned checkpoint covers within the coverage bound is the condition `coverage_overdue`:
 * the relay may have lost the envelope, or be showing this party a fork the witnesses refuse.
 *
 * Why this is needed (issue 10 item 1): a relay that loses a receipted envelope and gives its
 * seq to another author's passes every stream check — the chain is unbroken, the other
 * envelope verifies — so only the sender can notice, and only by holding the relay to its word.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { channelTag, decodeRecord, decodeVerifiedStatement, RecordKind, statementId } from '@hotline/protocol';
import type { Conditions } from '../archive/conditions.js';
import type { HeldReceipt, Outbox } from '../channel/outbox.js';
import type { EnvelopeAlert } from '@hotline/verify';

export interface ReceiptCheckDeps {
  readonly outbox: Pick<Outbox, 'heldReceipts' | 'proven' | 'broken'>;
  readonly conditions: Pick<Conditions, 'raise' | 'end'>;
  /** Stores an evidence alert once; true if it is new. */
  readonly raiseEvidence: (channelId: Uint8Array, alert: EnvelopeAlert) => boolean;
  /** The record a log scan proved at this index, if it belongs to one of this terminal's channels. */
  readonly provenRecord: (logIndex: number) => Uint8Array | undefined;
  /** How far the log has been proven record by record. */
  readonly scannedSize: number;
  readonly now: number;
  readonly coverageSeconds: number;
}

export interface ReceiptCheck {
  /** New receipt_broken alerts. */
  readonly broken: EnvelopeAlert[];
  /** Receipts past the coverage bound (open coverage_overdue conditions). */
  readonly overdue: number;
}

/** What the receipt concerns, for messages: the statement id if it carried one. */
function describe(r: HeldReceipt): string {
  if (r.statement === undefined) return `the commit with envelope hash ${toHex(r.envelopeHash)}`;
  const opened = decodeVerifiedStatement(r.statement);
  return opened.ok ? `statement ${toHex(statementId(opened.value))}` : `envelope ${toHex(r.envelopeHash)}`;
}

/** Why the proven record at the receipt's index contradicts it, or undefined if it matches. */
function contradiction(r: HeldReceipt, record: Uint8Array | undefined): string | undefined {
  if (record === undefined) return `log index ${r.logIndex} holds no envelope of this channel`;
  const decoded = decodeRecord(record);
  if (!decoded.ok) return `log index ${r.logIndex} holds a malformed record`;
  const d = decoded.value;
  if (d.kind !== RecordKind.envelope || !bytesEqual(d.streamTag, channelTag(r.channelId))) return `log index ${r.logIndex} holds a record of another stream`;
  if (d.seq !== r.seq) return `log index ${r.logIndex} holds seq ${d.seq}, not seq ${r.seq}`;
  if (!bytesEqual(d.itemHash, r.envelopeHash)) return `log index ${r.logIndex} (seq ${r.seq}) holds another envelope`;
  return undefined;
}

export function checkReceipts(deps: ReceiptCheckDeps): ReceiptCheck {
  const broken: EnvelopeAlert[] = [];
  let overdue = 0;
  for (const r of deps.outbox.heldReceipts()) {
    const subject = toHex(r.envelopeHash);
    if (deps.scannedSize > r.logIndex) {
      const wrong = contradiction(r, deps.provenRecord(r.logIndex));
      deps.conditions.end('coverage_overdue', subject);
      if (wrong === undefined) {
        deps.outbox.proven(r.envelopeHash);
        continue;
      }
      const alert: EnvelopeAlert = { code: 'receipt_broken', message: `the relay receipted ${describe(r)} as seq ${r.seq} at log index ${r.logIndex}, but the proven log disagrees: ${wrong}; kept in the outbox to be sent again`, seq: r.seq, logIndex: r.logIndex };
      deps.outbox.broken(r.envelopeHash);
      if (deps.raiseEvidence(r.channelId, alert)) broken.push(alert);
      continue;
    }
    const waited = deps.now - r.receiptAt;
    if (waited > deps.coverageSeconds * 1000) {
      overdue++;
      deps.conditions.raise('coverage_overdue', subject, `${describe(r)}, receipted as seq ${r.seq} at log index ${r.logIndex}, is not covered by a cosigned checkpoint after ${Math.round(waited / 1000)} s (bound ${deps.coverageSeconds} s): the relay may have lost it, or shows this party a log the witnesses refuse`, r.channelId);
    }
  }
  return { broken, overdue };
}
