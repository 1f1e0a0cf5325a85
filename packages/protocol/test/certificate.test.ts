import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateHash, decodeDeviceCertificate, issueDeviceCertificate, verifyDeviceCertificate, type DeviceCertificateBody } from '../src/index.js';
import { code, device, flip, moscowRoot, roots, washingtonRoot } from './fixtures.js';

const body: DeviceCertificateBody = {
  party: 'washington',
  member: 'Duty Officer',
  roles: ['principal', 'operator'],
  deviceKey: device(10).publicKey,
  notBefore: 1_700_000_000,
  notAfter: 1_800_000_000,
};

test('a certificate issued by the party root decodes and verifies', () => {
  const cert = issueDeviceCertificate(body, washingtonRoot);
  const decoded = decodeDeviceCertificate(cert.bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value.roles, ['principal', 'operator']);
  assert.equal(decoded.value.member, 'Duty Officer');
  assert.equal(code(verifyDeviceCertificate(decoded.value, roots, 1_750_000_000)), 'ok');
  assert.equal(certificateHash(cert).length, 32);
});

test('every byte of a certificate is covered by the signature', () => {
  const cert = issueDeviceCertificate(body, washingtonRoot);
  for (let i = 0; i < cert.bytes.length; i++) {
    const decoded = decodeDeviceCertificate(flip(cert.bytes, i));
    if (!decoded.ok) continue; // structurally broken is also a rejection
    assert.notEqual(code(verifyDeviceCertificate(decoded.value, roots, 1_750_000_000)), 'ok', `byte ${i}`);
  }
});

test('certificates are rejected for the wrong root, an unknown party, or outside their window', () => {
  assert.throws(() => issueDeviceCertificate(body, moscowRoot), TypeError);
  const cert = issueDeviceCertificate(body, washingtonRoot);
  const forgedByMoscow = { ...cert, party: 'washington' };
  assert.equal(code(verifyDeviceCertificate(forgedByMoscow, new Map([['washington', roots.get('moscow')!]]), 1_750_000_000)), 'bad_signature');
  assert.equal(code(verifyDeviceCertificate(cert, new Map(), 1_750_000_000)), 'unknown_party');
  assert.equal(code(verifyDeviceCertificate(cert, roots, 1_600_000_000)), 'certificate_not_yet_valid');
  assert.equal(code(verifyDeviceCertificate(cert, roots, 1_800_000_000)), 'certificate_expired');
});

test('malformed certificates are named', () => {
  const cert = issueDeviceCertificate(body, washingtonRoot);
  assert.equal(code(decodeDeviceCertificate(cert.bytes.subarray(0, 40))), 'malformed_certificate');
  assert.equal(code(decodeDeviceCertificate(new Uint8Array([...cert.bytes, 0]))), 'malformed_certificate');
  assert.equal(code(decodeDeviceCertificate(new Uint8Array([2, ...cert.bytes.subarray(1)]))), 'unsupported_version');
  assert.equal(code(decodeDeviceCertificate(new Uint8Array(0))), 'malformed_certificate');
  const noRoles = cert.bytes.slice();
  noRoles[1 + 2 + 10 + 2 + 12] = 0; // the roles byte, after "washington" and "Duty Officer"
  assert.equal(code(decodeDeviceCertificate(noRoles)), 'malformed_certificate');
  assert.throws(() => issueDeviceCertificate({ ...body, member: ' padded' }, washingtonRoot), TypeError);
  assert.throws(() => issueDeviceCertificate({ ...body, notAfter: body.notBefore }, washingtonRoot), RangeError);
});
