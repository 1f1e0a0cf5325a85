/**
 * Another party's revocation fetched by the item hash its log record names (directory/
 * revocation-check.ts): kept only if the bytes hash to the record and verify against the pinned
 * root, `forged_revocation` otherwise; a relay without them leaves a gap. Only revocation records
 * of pinned parties whose bytes the home lacks cost a request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { toHex, verifierKeyOf } from '@hotline/log';
import { channelTag, encodeRecord, generatePartyRoot, issueRevocation, partyRootSigner, partyTag, RecordKind, revocationHash, type LogRecord } from '@hotline/protocol';
import { Directory } from '../src/index.js';
import { fetchRevocation } from '../src/directory/revocation-check.js';

const moscow = generatePartyRoot('moscow');
const roots = new Map([['moscow', verifierKeyOf(moscow)]]);
const device = new Uint8Array(randomBytes(32));
const revocation = issueRevocation({ party: 'moscow', deviceKey: device, time: 1_700_000_000, reason: 'lost' }, partyRootSigner(moscow));

function recordOf(bytes: Uint8Array, overrides: Partial<LogRecord> = {}): LogRecord {
  return { kind: RecordKind.revocation, streamTag: partyTag('moscow'), seq: 1, itemHash: revocationHash({ bytes }), aux: device, chainHash: new Uint8Array(32), receivedAt: 1, ...overrides };
}

test('the logged bytes are kept; a relay without them leaves a gap and no alert', async () => {
  assert.deepEqual(await fetchRevocation(recordOf(revocation.bytes), 'moscow', roots, async () => revocation.bytes), { bytes: revocation.bytes });
  assert.deepEqual(await fetchRevocation(recordOf(revocation.bytes), 'moscow', roots, async () => undefined), { bytes: undefined });
});

test('bytes that are not the logged revocation are refused and not kept; logged bytes that do not verify are forged but kept', async () => {
  const other = issueRevocation({ party: 'moscow', deviceKey: device, time: 1_700_000_001, reason: 'lost' }, partyRootSigner(moscow));
  const swapped = await fetchRevocation(recordOf(revocation.bytes), 'moscow', roots, async () => other.bytes);
  assert.deepEqual(swapped, { bytes: undefined, forged: 'is not the revocation the relay serves for it' });
  const flipped = revocation.bytes.slice();
  flipped[flipped.length - 1]! ^= 1;
  assert.equal((await fetchRevocation(recordOf(revocation.bytes), 'moscow', roots, async () => flipped)).bytes, undefined, 'one flipped bit');

  // The log itself holds these bytes (the hash matches), but they are not a valid revocation of this record's device by the pinned root.
  const impostor = issueRevocation({ party: 'moscow', deviceKey: device, time: 1_700_000_000, reason: 'lost' }, partyRootSigner(generatePartyRoot('moscow')));
  const unsigned = await fetchRevocation(recordOf(impostor.bytes), 'moscow', roots, async () => impostor.bytes);
  assert.deepEqual(unsigned.bytes, impostor.bytes);
  assert.match(unsigned.forged ?? '', /^does not verify against the pinned root of moscow/);
  const otherDevice = await fetchRevocation(recordOf(revocation.bytes, { aux: new Uint8Array(32) }), 'moscow', roots, async () => revocation.bytes);
  assert.equal(otherDevice.forged, 'names another party or device than its log record');
  const truncated = revocation.bytes.subarray(0, 20);
  assert.match((await fetchRevocation(recordOf(truncated), 'moscow', roots, async () => truncated)).forged ?? '', /^is malformed/);
});

test('review: only an unknown revocation of a pinned party is fetched; its bytes join the stream; a swapped one is forged_revocation and a gap', async () => {
  const records = (entries: LogRecord[]) => entries.map((r, i) => ({ logIndex: i, record: encodeRecord({ ...r, seq: i + 1 }) }));
  const own = issueRevocation({ party: 'moscow', deviceKey: new Uint8Array(randomBytes(32)), time: 1_700_000_000, reason: 'own' }, partyRootSigner(moscow));
  const stranger = issueRevocation({ party: 'london', deviceKey: device, time: 1_700_000_000, reason: 'x' }, partyRootSigner(generatePartyRoot('london')));
  const scanned = records([
    recordOf(revocation.bytes),
    recordOf(own.bytes, { aux: own.deviceKey }),
    recordOf(stranger.bytes, { streamTag: partyTag('london') }),
    { kind: RecordKind.envelope, streamTag: channelTag(new Uint8Array(16)), seq: 1, itemHash: new Uint8Array(randomBytes(32)), aux: new Uint8Array(32), chainHash: new Uint8Array(32), receivedAt: 1 },
  ]);
  const asked: string[] = [];
  const directory = new Directory(new Database(':memory:'), () => roots);
  directory.keepRevocation(own.bytes); // issued by this home
  const noCertificates = async () => undefined;
  const alerts = await directory.review(scanned, { size: 4, edge: new Uint8Array(0) }, noCertificates, undefined, async (hash) => {
    asked.push(toHex(hash));
    return revocation.bytes;
  });
  assert.deepEqual(alerts, []);
  assert.deepEqual(asked, [toHex(revocationHash(revocation))], 'one request: not for the envelope, the unpinned party, or the revocation this home issued');
  assert.deepEqual(directory.stream('moscow', 4).map((e) => e.entry), [revocation.bytes, own.bytes]);
  // Held from now on: the same records reviewed again (a rescan) ask for nothing.
  assert.deepEqual(await directory.review(scanned, { size: 4, edge: new Uint8Array(0) }, noCertificates, undefined, async () => assert.fail('asked again')), []);

  const lied = new Directory(new Database(':memory:'), () => roots);
  const forged = await lied.review(scanned.slice(0, 1), { size: 1, edge: new Uint8Array(0) }, noCertificates, undefined, async () => own.bytes);
  assert.deepEqual(forged.map((a) => [a.code, a.logIndex, toHex(a.deviceKey)]), [['forged_revocation', 0, toHex(device)]]);
  assert.deepEqual(lied.stream('moscow', 1).map((e) => e.entry), [undefined], 'a gap: export will name it record_incomplete');
  // Nothing refused was held: the next review asks again, and a relay that now has the bytes fills the gap.
  assert.deepEqual(await lied.review(scanned.slice(0, 1), { size: 1, edge: new Uint8Array(0) }, noCertificates, undefined, async () => revocation.bytes), []);
  assert.deepEqual(lied.stream('moscow', 1).map((e) => e.entry), [revocation.bytes]);
});
