/**
 * The terminal's key directory (DESIGN.md §4): the devices it accepts, each one's certificate
 * verified against a pinned party root AND found in the log under a checkpoint the terminal
 * verified (the LogScanner proves every record it hands over). Certificates are fetched from
 * the relay by device key, and must be exactly the bytes the log recorded.
 *
 * Key transparency: a certificate in this terminal's own member name for another device, or
 * (on a party administrator's home) any certificate of the party that it did not enrol, is
 * `unexpected_device`; a certificate record whose certificate the relay cannot produce, or that
 * does not verify, is `forged_certificate`. Revocation records take effect for everyone (a
 * forged revocation could only deny service, which a hostile relay can do anyway); their bytes,
 * unless this home issued them, are fetched by hash for record export (revocation-check.ts),
 * and bytes that do not hash to the record or do not verify are `forged_revocation`.
 */
import { prepared } from '../store/terminal-db.js';
import type Database from 'better-sqlite3';
import { bytesEqual, toHex, type VerifierKey } from '@hotline/log';
import { certificateHash, decodeDeviceCertificate, decodeRecord, decodeRoles, encodeRoles, partyTag, RecordKind, revocationHash, verifyDeviceCertificate } from '@hotline/protocol';
import { deviceAt, deviceNow, entryOf as entryOfDevice, type DirectoryEntry, type LoggedDevice } from '@hotline/verify';
import type { ScannedRecord } from './log-scanner.js';
import { fetchRevocation, forgedRevocationMessage, type RevocationFetcher } from './revocation-check.js';

export type { RevocationFetcher } from './revocation-check.js';

export type { DirectoryEntry } from '@hotline/verify';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS directory (
  device        BLOB PRIMARY KEY,
  party         TEXT    NOT NULL,
  member        TEXT    NOT NULL,
  roles         INTEGER NOT NULL,
  not_before    INTEGER NOT NULL,
  not_after     INTEGER NOT NULL,
  certificate   BLOB    NOT NULL,
  log_index     INTEGER NOT NULL,
  revoked_index INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_scan (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, edge BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS directory_records (log_index INTEGER PRIMARY KEY, party TEXT NOT NULL, seq INTEGER NOT NULL, record BLOB NOT NULL, entry BLOB);
CREATE INDEX IF NOT EXISTS directory_records_by_party ON directory_records (party, seq);
CREATE TABLE IF NOT EXISTS revocation_bytes (hash BLOB PRIMARY KEY, revocation BLOB NOT NULL) WITHOUT ROWID;
`;

/** One record of a party's directory stream, with the certificate or revocation it logs (undefined if this archive never held it). */
export interface DirectoryStreamEntry {
  readonly logIndex: number;
  readonly seq: number;
  readonly record: Uint8Array;
  readonly entry: Uint8Array | undefined;
}

export interface DirectoryAlert {
  readonly code: 'unexpected_device' | 'forged_certificate' | 'forged_revocation';
  readonly message: string;
  readonly deviceKey: Uint8Array;
  readonly logIndex: number;
}

/** Who this terminal is, for key transparency. */
export interface DirectoryOwner {
  readonly party: string;
  readonly member: string;
  readonly deviceKey: Uint8Array;
  /** Devices this home's party administrator enrolled (hex); empty on a non-administrator home. */
  readonly enrolled: ReadonlySet<string>;
}

export type CertificateFetcher = (deviceKey: Uint8Array) => Promise<Uint8Array | undefined>;

interface Row {
  device: Buffer;
  party: string;
  member: string;
  roles: number;
  not_before: number;
  not_after: number;
  log_index: number;
  revoked_index: number | null;
}

/** The row as @hotline/verify's LoggedDevice: the certificate's fields and where the log holds it (and any revocation). */
function loggedOf(r: Row): LoggedDevice {
  return {
    deviceKey: new Uint8Array(r.device),
    party: r.party,
    member: r.member,
    roles: decodeRoles(r.roles) ?? [],
    notBefore: r.not_before,
    notAfter: r.not_after,
    logIndex: r.log_index,
    ...(r.revoked_index === null ? {} : { revokedIndex: r.revoked_index }),
  };
}

function entryOf(r: Row): DirectoryEntry {
  return entryOfDevice(loggedOf(r));
}

export class Directory {
  constructor(
    private readonly db: Database.Database,
    private readonly roots: () => ReadonlyMap<string, VerifierKey>,
  ) {
    db.exec(SCHEMA);
  }

  /** Keeps a revocation this home issued (a record export carries directory streams whole): no fetch when the scan meets it. */
  keepRevocation(bytes: Uint8Array): void {
    prepared(this.db, 'INSERT INTO revocation_bytes (hash, revocation) VALUES (?, ?) ON CONFLICT DO NOTHING').run(revocationHash({ bytes }), bytes);
  }

  /** A party's directory stream as scanned, records below log size `below`, in seq order. */
  stream(party: string, below: number): DirectoryStreamEntry[] {
    const rows = prepared(this.db, 'SELECT log_index, seq, record, entry FROM directory_records WHERE party = ? AND log_index < ? ORDER BY seq').all(party, below) as { log_index: number; seq: number; record: Buffer; entry: Buffer | null }[];
    return rows.map((r) => ({ logIndex: Number(r.log_index), seq: Number(r.seq), record: new Uint8Array(r.record), entry: r.entry === null ? undefined : new Uint8Array(r.entry) }));
  }

  /** Where the last committed scan stopped. */
  scanState(): { size: number; edge: Uint8Array } | undefined {
    const row = prepared(this.db, 'SELECT size, edge FROM log_scan WHERE id = 1').get() as { size: number; edge: Buffer } | undefined;
    return row === undefined ? undefined : { size: Number(row.size), edge: new Uint8Array(row.edge) };
  }

  /**
   * Reviews newly proven log records: every certificate and revocation of a pinned party.
   * Fetches certificates and the revocations it does not hold first (only these records cost a
   * request; the rest of a large log costs a hash lookup each), then writes entries and the
   * scan state in one transaction. Without `fetchRevocation`, unknown revocations stay gaps.
   */
  async review(
    records: readonly ScannedRecord[],
    scan: { size: number; edge: Uint8Array },
    fetch: CertificateFetcher,
    owner: DirectoryOwner | undefined,
    fetchRevocationBytes?: RevocationFetcher,
  ): Promise<DirectoryAlert[]> {
    const roots = this.roots();
    const byTag = new Map<string, string>();
    for (const name of roots.keys()) byTag.set(toHex(partyTag(name)), name);
    const alerts: DirectoryAlert[] = [];
    const writes: (() => void)[] = [];
    for (const { logIndex, record } of records) {
      const decoded = decodeRecord(record);
      if (!decoded.ok) continue;
      const party = byTag.get(toHex(decoded.value.streamTag));
      if (party === undefined) continue;
      const deviceKey = decoded.value.aux;
      const keep = (entry: Uint8Array | undefined): void => {
        writes.push(() => prepared(this.db, 'INSERT INTO directory_records (log_index, party, seq, record, entry) VALUES (?, ?, ?, ?, ?) ON CONFLICT (log_index) DO UPDATE SET entry = coalesce(excluded.entry, entry)').run(logIndex, party, decoded.value.seq, record, entry ?? null));
      };
      if (decoded.value.kind === RecordKind.revocation) {
        const known = prepared(this.db, 'SELECT revocation FROM revocation_bytes WHERE hash = ?').get(decoded.value.itemHash) as { revocation: Buffer } | undefined;
        if (known !== undefined || fetchRevocationBytes === undefined) {
          keep(known === undefined ? undefined : new Uint8Array(known.revocation));
        } else {
          const checked = await fetchRevocation(decoded.value, party, roots, fetchRevocationBytes);
          if (checked.forged !== undefined) alerts.push({ code: 'forged_revocation', deviceKey, logIndex, message: forgedRevocationMessage(party, decoded.value, logIndex, checked.forged) });
          keep(checked.bytes);
          // A sound one is held like this home's own: a rescan of the log does not ask again.
          const sound = checked.forged === undefined ? checked.bytes : undefined;
          if (sound !== undefined) writes.push(() => this.keepRevocation(sound));
        }
        writes.push(() => prepared(this.db, 'UPDATE directory SET revoked_index = ? WHERE device = ? AND revoked_index IS NULL').run(logIndex, deviceKey));
        continue;
      }
      if (decoded.value.kind !== RecordKind.certificate) continue;
      const forged = (why: string): void => {
        alerts.push({ code: 'forged_certificate', deviceKey, logIndex, message: `the log holds a certificate for device ${toHex(deviceKey).slice(0, 16)}… of ${party} (log index ${logIndex}) that ${why}; the device is not accepted` });
      };
      const bytes = await fetch(deviceKey);
      if (bytes === undefined) {
        keep(undefined);
        forged('the relay cannot produce');
        continue;
      }
      if (!bytesEqual(certificateHash({ bytes }), decoded.value.itemHash)) {
        keep(undefined);
        forged('is not the certificate the relay serves for it');
        continue;
      }
      keep(bytes); // the bytes the log recorded, kept whatever the checks below say: an export shows the stream as it is
      const cert = decodeDeviceCertificate(bytes);
      if (!cert.ok) {
        forged(`is malformed (${cert.error.message})`);
        continue;
      }
      const verified = verifyDeviceCertificate(cert.value, roots, cert.value.notBefore);
      if (!verified.ok || cert.value.party !== party || !bytesEqual(cert.value.deviceKey, deviceKey)) {
        forged(verified.ok ? 'names another party or device than its log record' : `does not verify against the pinned root of ${party}: ${verified.error.message}`);
        continue;
      }
      const c = cert.value;
      if (owner !== undefined && c.party === owner.party && !bytesEqual(c.deviceKey, owner.deviceKey)) {
        const notEnrolled = owner.enrolled.size > 0 && !owner.enrolled.has(toHex(c.deviceKey));
        if (c.member === owner.member || notEnrolled) {
          alerts.push({
            code: 'unexpected_device',
            deviceKey,
            logIndex,
            message: `a certificate for device ${toHex(deviceKey).slice(0, 16)}… was registered as ${c.member} of ${c.party} (log index ${logIndex}): ${c.member === owner.member ? 'that is this terminal\'s member name, and this is not its device' : 'this party\'s administrator did not enrol it'}`,
          });
        }
      }
      writes.push(() =>
        this.db
          .prepare('INSERT INTO directory (device, party, member, roles, not_before, not_after, certificate, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device) DO NOTHING')
          .run(deviceKey, c.party, c.member, encodeRoles(c.roles), c.notBefore, c.notAfter, bytes, logIndex),
      );
    }
    this.db.transaction(() => {
      for (const write of writes) write();
      prepared(this.db, 'INSERT INTO log_scan (id, size, edge) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET size = excluded.size, edge = excluded.edge').run(scan.size, scan.edge);
    })();
    return alerts;
  }

  /** A device this terminal accepts at `now` (ms): verified, logged, unrevoked, within its validity. */
  device(deviceKey: Uint8Array, now = Date.now()): DirectoryEntry | undefined {
    const row = prepared(this.db, 'SELECT * FROM directory WHERE device = ?').get(deviceKey) as Row | undefined;
    return row === undefined ? undefined : deviceNow(loggedOf(row), now);
  }

  /**
   * The device as of a point in the log: certified before `logIndex`, not revoked before it,
   * and valid at `time` (ms, the relay's receive time). Every terminal judging the same
   * envelope gets the same answer, however much later it syncs (@hotline/verify's deviceAt).
   */
  deviceAt(deviceKey: Uint8Array, logIndex: number, time: number): DirectoryEntry | undefined {
    const row = prepared(this.db, 'SELECT * FROM directory WHERE device = ?').get(deviceKey) as Row | undefined;
    return row === undefined ? undefined : deviceAt(loggedOf(row), logIndex, time);
  }

  /** The device's logged certificate (and first revocation) as @hotline/verify judges it at a point: for a forward's original author. */
  logged(deviceKey: Uint8Array): LoggedDevice | undefined {
    const row = prepared(this.db, 'SELECT * FROM directory WHERE device = ?').get(deviceKey) as Row | undefined;
    return row === undefined ? undefined : loggedOf(row);
  }

  /** Forgets where the scan stopped, so the next refresh reviews the whole log again (after a root is pinned). */
  rescan(): void {
    prepared(this.db, 'DELETE FROM log_scan').run();
  }

  /** Every accepted device of a party (for adding them to a channel). */
  devicesOf(party: string, now = Date.now()): DirectoryEntry[] {
    const rows = prepared(this.db, 'SELECT * FROM directory WHERE party = ? ORDER BY log_index').all(party) as Row[];
    return rows.map(entryOf).filter((e) => this.device(e.deviceKey, now) !== undefined);
  }

  /** The entry for a device in any state (revoked or expired too): for naming authors on screen. */
  entry(deviceKey: Uint8Array): DirectoryEntry | undefined {
    const row = prepared(this.db, 'SELECT * FROM directory WHERE device = ?').get(deviceKey) as Row | undefined;
    return row === undefined ? undefined : entryOf(row);
  }

  /** Every entry, revoked or not (for the status board). */
  all(): DirectoryEntry[] {
    return (prepared(this.db, 'SELECT * FROM directory ORDER BY log_index').all() as Row[]).map(entryOf);
  }
}
