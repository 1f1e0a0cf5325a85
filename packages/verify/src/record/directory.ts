/**
 * The key directory (record.md step 5): for each charter party, its whole directory stream from
 * seq 1 — every record contiguous and chained, and each certificate or revocation signed by the
 * party's root and matching its record (item hash, device key as aux, kind). The devices found
 * here are the only ones a statement can be signed by.
 */
import { bytesEqual, toHex } from '@hotline/log';
import {
  certificateHash,
  decodeDeviceCertificate,
  decodeRecord,
  decodeRevocation,
  genesisChain,
  Label,
  labelledVerify,
  nextChain,
  partyTag,
  RecordKind,
  revocationHash,
  type Charter,
  type DeviceCertificate,
  type Revocation,
} from '@hotline/protocol';
import type { DecodedBundle } from './bundle-json.js';
import { stop } from './failure.js';
import type { TrustBasis } from './trust.js';
import type { LoggedDevice } from '../directory/directory-entry.js';

export interface DirectoryDevice {
  readonly certificate: DeviceCertificate;
  readonly logIndex: number;
  /** Revocations of this device, each with the log index it was sequenced at. */
  readonly revocations: { readonly revocation: Revocation; readonly logIndex: number }[];
}

/** Devices by hex key. */
export type DeviceDirectory = ReadonlyMap<string, DirectoryDevice>;

const SIGNATURE_SIZE = 64;

function signedBy(label: Label, root: Uint8Array, bytes: Uint8Array): boolean {
  return labelledVerify(label, root, bytes.subarray(0, bytes.length - SIGNATURE_SIZE), bytes.subarray(bytes.length - SIGNATURE_SIZE));
}

export function checkDirectory(bundle: DecodedBundle, charter: Charter, trust: TrustBasis): DeviceDirectory {
  const devices = new Map<string, DirectoryDevice>();
  if (bundle.directory.length !== charter.parties.length) stop('directory', 'directory', 'party_count', `has ${bundle.directory.length} parties, the charter ${charter.parties.length}`);
  bundle.directory.forEach((stream, p) => {
    const party = charter.parties[p]!.name;
    if (stream.party !== party) stop('directory', `directory[${p}]`, 'party_mismatch', `is for ${JSON.stringify(stream.party)}, but charter party ${p + 1} is ${party}`);
    const root = trust.roots[p]!.key.publicKey;
    const tag = partyTag(party);
    let chain = genesisChain(tag);
    let lastIndex = -1;
    stream.entries.forEach((e, j) => {
      const seq = j + 1;
      const item = `party ${party} entry ${seq}`;
      const fail = (code: string, detail: string): never => stop('directory', item, code, detail);
      const record = decodeRecord(e.record);
      if (!record.ok) return fail('malformed_record', record.error.message);
      const r = record.value;
      if (r.kind !== RecordKind.certificate && r.kind !== RecordKind.revocation) fail('wrong_kind', `record kind ${r.kind} is not a certificate (2) or revocation (3)`);
      if (!bytesEqual(r.streamTag, tag)) fail('wrong_stream', `the record is not in ${party}'s directory stream`);
      if (r.seq !== seq) fail('wrong_seq', `the record has seq ${r.seq}: the stream must be complete from seq 1`);
      chain = nextChain(chain, r.itemHash);
      if (!bytesEqual(r.chainHash, chain)) fail('chain_mismatch', 'the record\'s chain hash does not follow from the entries before it');
      if (e.logIndex <= lastIndex) fail('index_order', `log index ${e.logIndex} is not after the previous entry's ${lastIndex}`);
      lastIndex = e.logIndex;
      if (r.kind === RecordKind.certificate) {
        const cert = decodeDeviceCertificate(e.entry);
        if (!cert.ok) return fail('malformed_certificate', cert.error.message);
        if (cert.value.party !== party) fail('wrong_party', `the certificate is for party ${cert.value.party}`);
        if (!bytesEqual(certificateHash(cert.value), r.itemHash)) fail('item_mismatch', 'the certificate is not the one the record logs');
        if (!bytesEqual(cert.value.deviceKey, r.aux)) fail('aux_mismatch', 'the record\'s aux is not the certificate\'s device key');
        if (!signedBy(Label.deviceCertificate, root, e.entry)) fail('bad_signature', `the certificate is not signed by ${party}'s root`);
        const key = toHex(cert.value.deviceKey);
        if (devices.has(key)) fail('duplicate_device', 'this device key was certified before');
        devices.set(key, { certificate: cert.value, logIndex: e.logIndex, revocations: [] });
      } else {
        const revocation = decodeRevocation(e.entry);
        if (!revocation.ok) return fail('malformed_revocation', revocation.error.message);
        if (revocation.value.party !== party) fail('wrong_party', `the revocation is for party ${revocation.value.party}`);
        if (!bytesEqual(revocationHash(revocation.value), r.itemHash)) fail('item_mismatch', 'the revocation is not the one the record logs');
        if (!bytesEqual(revocation.value.deviceKey, r.aux)) fail('aux_mismatch', 'the record\'s aux is not the revoked device key');
        if (!signedBy(Label.deviceRevocation, root, e.entry)) fail('bad_signature', `the revocation is not signed by ${party}'s root`);
        // A party revokes only a device it certified before, in its own stream: one party's root
        // cannot void another party's devices (an honest relay refuses it; terminals flag it).
        const revoked = devices.get(toHex(revocation.value.deviceKey));
        if (revoked === undefined || revoked.certificate.party !== party) fail('wrong_party', `the revocation names a device ${party} did not certify earlier in its stream`);
        revoked!.revocations.push({ revocation: revocation.value, logIndex: e.logIndex });
      }
    });
  });
  return devices;
}

/**
 * A bundle device as certificate-at-time reads it (packages/verify/src/directory): revoked
 * from its first revocation record on, as every terminal's directory judges it.
 */
export function directoryDevice(devices: DeviceDirectory, deviceKeyHex: string): LoggedDevice | undefined {
  const d = devices.get(deviceKeyHex);
  if (d === undefined) return undefined;
  let logged = asLogged.get(d);
  if (logged === undefined) {
    const c = d.certificate;
    const revokedIndex = d.revocations.length === 0 ? undefined : Math.min(...d.revocations.map((r) => r.logIndex));
    logged = { deviceKey: c.deviceKey, party: c.party, member: c.member, roles: c.roles, notBefore: c.notBefore, notAfter: c.notAfter, logIndex: d.logIndex, ...(revokedIndex === undefined ? {} : { revokedIndex }) };
    asLogged.set(d, logged);
  }
  return logged;
}

/** Computed once per device (the directory is complete once step 5 returns it). */
const asLogged = new WeakMap<DirectoryDevice, LoggedDevice>();
