/**
 * Key transparency for one's own party (DESIGN.md §4): every certificate and revocation is in
 * the log, so a terminal that reads its party's directory records can see a device key it did
 * not enrol — a relay or an insider adding a device in the party's name — and raise an alert.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { decodeRecord, partyTag, RecordKind } from '@hotline/protocol';
import type { ScannedRecord } from './log-scanner.js';

export interface DirectoryAlert {
  readonly code: 'unexpected_device';
  readonly message: string;
  readonly deviceKey: Uint8Array;
  readonly logIndex: number;
}

export interface DirectoryEvent {
  readonly kind: 'certificate' | 'revocation';
  readonly deviceKey: Uint8Array;
  readonly logIndex: number;
}

export class DirectoryMonitor {
  private readonly tag: Uint8Array;

  /** `expected`: device keys this party enrolled (hex), e.g. from the key store. */
  constructor(
    party: string,
    private readonly expected: () => ReadonlySet<string>,
  ) {
    this.tag = partyTag(party);
  }

  /** This party's directory events among `records`, and an alert for each unexpected device. */
  review(records: readonly ScannedRecord[]): { events: DirectoryEvent[]; alerts: DirectoryAlert[] } {
    const events: DirectoryEvent[] = [];
    const alerts: DirectoryAlert[] = [];
    const expected = this.expected();
    for (const { logIndex, record } of records) {
      const decoded = decodeRecord(record);
      if (!decoded.ok || !bytesEqual(decoded.value.streamTag, this.tag)) continue;
      const { kind, aux: deviceKey } = decoded.value;
      if (kind === RecordKind.certificate) {
        events.push({ kind: 'certificate', deviceKey, logIndex });
        if (!expected.has(toHex(deviceKey))) {
          alerts.push({ code: 'unexpected_device', deviceKey, logIndex, message: `a certificate for device ${toHex(deviceKey).slice(0, 16)}… was registered in this party's name, and this party did not enrol it` });
        }
      } else if (kind === RecordKind.revocation) {
        events.push({ kind: 'revocation', deviceKey, logIndex });
      }
    }
    return { events, alerts };
  }
}
