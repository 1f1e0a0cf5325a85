/**
 * Known answers from an implementation written from docs/spec/protocol.md alone
 * (test/vectors/generate.py, pure-Python RFC 8032 Ed25519, checked against RFC 8032's own
 * tests): our encoders must produce the same bytes, hashes and signatures, and our decoders
 * must accept every valid case and reject every broken one with the expected code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyType, leafHash, signerKeyFromSeed, toHex, fromHex, type VerifierKey } from '@hotline/log';
import {
  certificateHash,
  ClientFrameType,
  channelTag,
  decodeDeliveries,
  decodeDeviceCertificate,
  decodeEnvelope,
  decodeRecord,
  decodeRevocation,
  decodeRoles,
  encodeClientFrame,
  encodeDelivery,
  encodeEnvelope,
  encodeRecord,
  encodeRelayFrame,
  envelopeHash,
  genesisChain,
  issueDeviceCertificate,
  issueRevocation,
  nextChain,
  openMembership,
  partyRootSigner,
  partyTag,
  RelayFrameType,
  revocationHash,
  signerFor,
  signLogin,
  signMembership,
  verifyDeviceCertificate,
  verifyLogin,
  verifyRevocation,
  type EnvelopeKind,
  type RecordKind,
} from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const vectors = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'vectors', 'protocol.json'), 'utf8')) as Json;
const hex = (text: string): Uint8Array => fromHex(text)!;
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

function rootsFor(party: string, publicKey: string): Map<string, VerifierKey> {
  return new Map([[party, { name: party, keyId: 0, type: KeyType.ed25519, publicKey: hex(publicKey) }]]);
}

test('device certificates: same bytes, hash and signature; every broken one rejected', () => {
  for (const v of vectors['deviceCertificates'].valid as Json[]) {
    const root = partyRootSigner(signerKeyFromSeed(v['party'], KeyType.ed25519, hex(v['rootSeed'])));
    assert.equal(toHex(root.publicKey), v['rootPublicKey'], v['name']);
    const cert = issueDeviceCertificate({ party: v['party'], member: v['member'], roles: decodeRoles(v['roles'])!, deviceKey: hex(v['deviceKey']), notBefore: v['notBefore'], notAfter: v['notAfter'] }, root);
    assert.equal(toHex(cert.bytes), v['encoding'], v['name']);
    assert.equal(toHex(certificateHash(cert)), v['hash'], v['name']);
    const decoded = decodeDeviceCertificate(hex(v['encoding']));
    assert.ok(decoded.ok, v['name']);
    assert.equal(decoded.value.member, v['member']);
    // Validity boundaries: not-before is inclusive, not-after exclusive.
    for (const t of v['validAt'] as number[]) assert.equal(code(verifyDeviceCertificate(decoded.value, rootsFor(v['party'], v['rootPublicKey']), t)), 'ok', `${v['name']} at ${t}`);
    for (const t of v['notValidAt'] as number[]) assert.notEqual(code(verifyDeviceCertificate(decoded.value, rootsFor(v['party'], v['rootPublicKey']), t)), 'ok', `${v['name']} at ${t}`);
  }
  for (const v of vectors['deviceCertificates'].invalid as Json[]) {
    const decoded = decodeDeviceCertificate(hex(v['encoding']));
    if (!v['decodes']) {
      assert.equal(code(decoded), v['error'], `${v['name']}: ${v['note']}`);
      continue;
    }
    assert.ok(decoded.ok, v['name']);
    assert.equal(code(verifyDeviceCertificate(decoded.value, rootsFor(decoded.value.party, v['verifyKey']), decoded.value.notBefore)), v['verifyError'], v['name']);
  }
});

test('revocations: same bytes and hash; tampering rejected', () => {
  for (const v of vectors['revocations'].valid as Json[]) {
    const root = partyRootSigner(signerKeyFromSeed(v['party'], KeyType.ed25519, hex(v['rootSeed'])));
    const revocation = issueRevocation({ party: v['party'], deviceKey: hex(v['deviceKey']), time: v['time'], reason: v['reason'] }, root);
    assert.equal(toHex(revocation.bytes), v['encoding']);
    assert.equal(toHex(revocationHash(revocation)), v['hash']);
  }
  for (const v of vectors['revocations'].invalid as Json[]) {
    const decoded = decodeRevocation(hex(v['encoding']));
    if (!v['decodes']) {
      assert.equal(code(decoded), v['error'], v['name']);
      continue;
    }
    assert.ok(decoded.ok);
    assert.equal(code(verifyRevocation(decoded.value, rootsFor(decoded.value.party, v['verifyKey']))), v['verifyError'], v['name']);
  }
});

test('envelopes: same bytes and hash; every broken one rejected', () => {
  for (const v of vectors['envelopes'].valid as Json[]) {
    const bytes = encodeEnvelope({ kind: v['kind'] as EnvelopeKind, channelId: hex(v['channelId']), commitment: hex(v['commitment']), payload: hex(v['payload']) });
    assert.equal(toHex(bytes), v['encoding'], v['name']);
    assert.equal(toHex(envelopeHash(bytes)), v['hash'], v['name']);
    assert.equal(code(decodeEnvelope(bytes)), 'ok');
  }
  for (const v of vectors['envelopes'].invalid as Json[]) assert.equal(code(decodeEnvelope(hex(v['encoding']))), v['error'], `${v['name']}: ${v['note']}`);
});

test('stream tags and chains match', () => {
  const streams = vectors['streams'];
  for (const t of streams.channelTags as Json[]) assert.equal(toHex(channelTag(hex(t['channelId']))), t['tag']);
  for (const t of streams.partyTags as Json[]) assert.equal(toHex(partyTag(t['party'])), t['tag']);
  for (const c of streams.chains as Json[]) {
    let chain = genesisChain(hex(c['streamTag']));
    assert.equal(toHex(chain), c['chain'][0], `${c['name']} genesis`);
    (c['items'] as Json[]).forEach((item, i) => {
      chain = nextChain(chain, hex(item['itemHash']));
      assert.equal(toHex(chain), c['chain'][i + 1], `${c['name']} chain[${i + 1}]`);
    });
  }
});

test('log records: same 146 bytes and RFC 6962 leaf hash; every broken one rejected', () => {
  for (const v of vectors['logRecords'].valid as Json[]) {
    const bytes = encodeRecord({ kind: v['kind'] as RecordKind, streamTag: hex(v['streamTag']), seq: v['seq'], itemHash: hex(v['itemHash']), aux: hex(v['aux']), chainHash: hex(v['chainHash']), receivedAt: v['receiveTime'] });
    assert.equal(toHex(bytes), v['encoding'], v['name']);
    assert.equal(toHex(leafHash(bytes)), v['leafHash'], v['name']);
    assert.equal(code(decodeRecord(bytes)), 'ok');
  }
  for (const v of vectors['logRecords'].invalid as Json[]) assert.equal(code(decodeRecord(hex(v['encoding']))), v['error'], `${v['name']}: ${v['note']}`);
});

test('memberships: canonical order, same signature; broken ones rejected', () => {
  for (const v of vectors['memberships'].valid as Json[]) {
    const creator = signerFor(hex(v['creatorSeed']));
    const m = signMembership({ channelId: hex(v['channelId']), version: v['version'], members: (v['membersGiven'] as string[]).map(hex) }, creator);
    assert.equal(toHex(m.bytes), v['encoding'], v['name']);
    assert.deepEqual(m.members.map(toHex), v['membersSorted']);
    assert.equal(code(openMembership(m.bytes)), 'ok');
  }
  for (const v of vectors['memberships'].invalid as Json[]) {
    assert.equal(code(openMembership(hex(v['encoding']))), v['error'] ?? v['verifyError'], `${v['name']}: ${v['note']}`);
  }
});

test('login: same signature; bound to origin and challenge', () => {
  for (const v of vectors['logins'].valid as Json[]) {
    const device = signerFor(hex(v['deviceSeed']));
    assert.equal(toHex(signLogin(v['origin'], hex(v['challenge']), device)), v['signature']);
  }
  for (const c of vectors['logins'].checks as Json[]) {
    assert.equal(verifyLogin(c['origin'], hex(c['challenge']), hex(c['deviceKey']), hex(c['signature'])), c['valid'], c['name']);
  }
});

test('deliveries and WebSocket frames: same bytes', () => {
  for (const d of vectors['deliveries'] as Json[]) {
    const bytes = encodeDelivery({ logIndex: d['logIndex'], record: hex(d['record']), envelope: hex(d['envelope']) });
    assert.equal(toHex(bytes), d['encoding']);
    assert.equal(code(decodeDeliveries(bytes)), 'ok');
  }
  for (const f of vectors['frames'] as Json[]) {
    const x = f['fields'];
    const requestId = f['requestId'];
    let bytes: Uint8Array;
    switch (f['type']) {
      case 1: bytes = encodeClientFrame({ type: ClientFrameType.subscribe, requestId, channelId: hex(x['channelId']), fromSeq: x['fromSeq'] }); break;
      case 2: bytes = encodeClientFrame({ type: ClientFrameType.unsubscribe, requestId, channelId: hex(x['channelId']) }); break;
      case 3: bytes = encodeClientFrame({ type: ClientFrameType.submit, requestId, envelope: hex(x['envelope']) }); break;
      case 10: bytes = encodeRelayFrame({ type: RelayFrameType.receipt, requestId, seq: x['seq'], logIndex: x['logIndex'], chainHash: hex(x['chainHash']), receivedAt: x['receiveTime'], duplicate: x['duplicate'] }); break;
      case 11: bytes = encodeRelayFrame({ type: RelayFrameType.delivery, requestId, channelId: hex(x['channelId']), logIndex: x['logIndex'], record: hex(x['record']), envelope: hex(x['envelope']) }); break;
      case 12: bytes = encodeRelayFrame({ type: RelayFrameType.error, requestId, status: x['status'], code: x['code'], message: x['message'] }); break;
      default: bytes = encodeRelayFrame({ type: RelayFrameType.subscribed, requestId, channelId: hex(x['channelId']), lastSeq: x['lastSeq'] });
    }
    assert.equal(toHex(bytes), f['encoding'], f['name']);
  }
});
