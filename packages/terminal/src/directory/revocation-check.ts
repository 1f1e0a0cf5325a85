/**
 * Another party's revocation, fetched from the relay by the item hash its log record names
 * (GET /v1/revocations/<hash>) so a record export can carry that party's directory stream
 * whole. The relay is believed in nothing: the bytes must hash to the record's item hash (else
 * they are not what the log recorded, and are not kept) and verify against the party's pinned
 * root for the record's device (else the log holds a forged revocation: the bytes are kept as
 * the stream holds them, as a forged certificate's are, and the export's verifier rejects them).
 */
import { bytesEqual, toHex, type VerifierKey } from '@hotline/log';
import { decodeRevocation, revocationHash, verifyRevocation, type LogRecord } from '@hotline/protocol';

/** The revocation logged under `itemHash`, or undefined if the relay has none. */
export type RevocationFetcher = (itemHash: Uint8Array) => Promise<Uint8Array | undefined>;

export interface CheckedRevocation {
  /** The bytes to keep as the stream's entry (undefined: a gap, which export names `record_incomplete`). */
  readonly bytes: Uint8Array | undefined;
  /** Why the revocation is `forged_revocation`, if it is. */
  readonly forged?: string;
}

/** Fetches and checks the revocation a record of `party` logs. A relay that has none leaves a gap, no alert. */
export async function fetchRevocation(record: LogRecord, party: string, roots: ReadonlyMap<string, VerifierKey>, fetch: RevocationFetcher): Promise<CheckedRevocation> {
  const bytes = await fetch(record.itemHash);
  if (bytes === undefined) return { bytes: undefined };
  if (!bytesEqual(revocationHash({ bytes }), record.itemHash)) return { bytes: undefined, forged: 'is not the revocation the relay serves for it' };
  const decoded = decodeRevocation(bytes);
  if (!decoded.ok) return { bytes, forged: `is malformed (${decoded.error.message})` };
  const verified = verifyRevocation(decoded.value, roots);
  if (!verified.ok) return { bytes, forged: `does not verify against the pinned root of ${party}: ${verified.error.message}` };
  if (decoded.value.party !== party || !bytesEqual(decoded.value.deviceKey, record.aux)) return { bytes, forged: 'names another party or device than its log record' };
  return { bytes };
}

export function forgedRevocationMessage(party: string, record: LogRecord, logIndex: number, why: string): string {
  return `the log holds a revocation of device ${toHex(record.aux).slice(0, 16)}… of ${party} (log index ${logIndex}) that ${why}`;
}
