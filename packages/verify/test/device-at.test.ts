/** Certificate-at-time: a device judged at a point of the log and a time, at each boundary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceAt, deviceNow, deviceValidityAt, entryOf, type LoggedDevice } from '../src/index.js';

const device: LoggedDevice = { deviceKey: new Uint8Array(32).fill(1), party: 'washington', member: 'Duty Officer', roles: ['operator'], notBefore: 1000, notAfter: 2000, logIndex: 10 };
const revoked: LoggedDevice = { ...device, revokedIndex: 20 };

function reason(d: LoggedDevice, index: number, ms: number): string {
  const v = deviceValidityAt(d, index, ms);
  return v.ok ? 'ok' : v.reason;
}

test('certified strictly before the log index', () => {
  assert.equal(reason(device, 10, 1_500_000), 'not_yet_certified', 'its own record\'s index is not after it');
  assert.equal(reason(device, 9, 1_500_000), 'not_yet_certified');
  assert.equal(reason(device, 11, 1_500_000), 'ok');
});

test('a revocation counts from the records after it, never before: later revocations do not rewrite the past', () => {
  assert.equal(reason(revoked, 20, 1_500_000), 'ok', 'the revocation record itself is at 20: records up to it are judged valid');
  assert.equal(reason(revoked, 21, 1_500_000), 'revoked');
  const v = deviceValidityAt(revoked, 15, 1_500_000);
  assert.ok(v.ok && v.entry.revoked === false, 'at index 15 it was not revoked');
  assert.equal(deviceNow(revoked, 1_500_000), undefined, 'judged now, any revocation counts');
  assert.equal(entryOf(revoked).revoked, true);
});

test('notBefore ≤ time < notAfter, in whole seconds of the millisecond time', () => {
  assert.equal(reason(device, 11, 999_999), 'not_yet_valid');
  assert.equal(reason(device, 11, 1_000_000), 'ok');
  assert.equal(reason(device, 11, 1_999_999), 'ok');
  assert.equal(reason(device, 11, 2_000_000), 'expired');
  assert.equal(deviceNow(device, 2_000_000), undefined);
  assert.equal(deviceNow(device, 1_000_000)?.member, 'Duty Officer');
  assert.equal(deviceAt(device, 11, 2_000_000), undefined);
  assert.deepEqual(deviceAt(device, 11, 1_500_000), { ...device, revoked: false });
});

test('failures say what is wrong', () => {
  const v = deviceValidityAt(revoked, 30, 1_500_000);
  assert.ok(!v.ok);
  assert.match(v.message, /Duty Officer of washington was revoked at log index 20/);
});
