/** Verifier keys and signer keys: the spec example, round trips, and every rejection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeKeyId,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  KeyType,
  parseSignerKey,
  parseVerifierKey,
  toBase64,
  verifierKeyOf,
  type Result,
} from '../src/index.js';
import { testKey } from './helpers.js';

const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

test('the spec vkey parses, and its key ID is SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
  const key = parseVerifierKey(SPEC_VKEY);
  assert.ok(key.ok);
  assert.equal(key.value.name, 'example.com/foo');
  assert.equal(key.value.type, KeyType.ed25519);
  assert.equal(key.value.keyId, 0x530d903a);
  assert.equal(computeKeyId('example.com/foo', 0x01, key.value.publicKey), 0x530d903a);
  assert.equal(formatVerifierKey(key.value), SPEC_VKEY);
});

test('the same key under type 0x04 gets another key ID, as tlog-cosignature requires', () => {
  const key = testKey('witness.example/w', KeyType.cosignatureV1);
  assert.notEqual(key.keyId, computeKeyId(key.name, KeyType.ed25519, key.publicKey));
  const parsed = parseVerifierKey(formatVerifierKey(verifierKeyOf(key)));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.type, KeyType.cosignatureV1);
});

test('malformed vkeys are rejected with a named error', () => {
  const [name, id, material] = SPEC_VKEY.split('+') as [string, string, string];
  const cases: [string, string][] = [
    [`${name}+${id}`, 'malformed_vkey'],
    [`${name}+${id}+${material}+extra`, 'malformed_vkey'],
    [`+${id}+${material}`, 'malformed_vkey'],
    [`exa mple+${id}+${material}`, 'malformed_vkey'],
    [`${name}+530D903A+${material}`, 'malformed_vkey'],
    [`${name}+530d903+${material}`, 'malformed_vkey'],
    [`${name}+${id}+${material.slice(0, -4)}`, 'malformed_vkey'],
    [`${name}+${id}+not*base64`, 'malformed_vkey'],
    [`${name}+${id}+${toBase64(new Uint8Array([0x02, ...new Uint8Array(32)]))}`, 'unsupported_key_type'],
    [`${name}+530d903b+${material}`, 'vkey_id_mismatch'],
    [`example.com/bar+${id}+${material}`, 'vkey_id_mismatch'],
  ];
  for (const [vkey, expected] of cases) assert.equal(code(parseVerifierKey(vkey)), expected, vkey);
});

test('signer keys round-trip in the Go note format and reject tampering', () => {
  const key = generateSignerKey('example.org/log');
  const text = formatSignerKey(key);
  assert.match(text, /^PRIVATE\+KEY\+example\.org\/log\+[0-9a-f]{8}\+/);
  const parsed = parseSignerKey(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.publicKey, key.publicKey);
  assert.equal(parsed.value.keyId, key.keyId);
  assert.equal(code(parseSignerKey(text.replace('example.org/log', 'example.org/other'))), 'vkey_id_mismatch');
  assert.equal(code(parseSignerKey(text.slice('PRIVATE+'.length))), 'malformed_vkey');
  const failure = parseSignerKey(text.slice(0, -2) + '==');
  assert.equal(failure.ok, false);
  const material = text.split('+').slice(4).join('+'); // base64 may itself contain '+'
  assert.ok(material.length >= 44);
  assert.ok(!failure.ok && !failure.error.message.includes(material.slice(0, 16)), 'errors never echo key material');
});

test('generated keys differ and key names are validated', () => {
  assert.notDeepEqual(generateSignerKey('a.example/x').publicKey, generateSignerKey('a.example/x').publicKey);
  assert.throws(() => generateSignerKey('has space'), TypeError);
  assert.throws(() => generateSignerKey('has+plus'), TypeError);
});
