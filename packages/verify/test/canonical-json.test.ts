/**
 * RFC 8785 writing for the bundle's subset, and the strict reader: only the canonical bytes of a
 * value are accepted; every other spelling of the same value is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBase64, fromHex, toBase64, utf8 } from '@hotline/log';
import { canonicalJson, readCanonicalJson, type Json } from '../src/json/canonical-json.js';

function read(text: string): string {
  const result = readCanonicalJson(utf8(text));
  return result.ok ? 'ok' : result.error.code;
}

test('members are sorted by UTF-16 code units, nested, without whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, false, { d: 'x', c: 0 }], A: -5 }), '{"A":-5,"a":[true,false,{"c":0,"d":"x"}],"b":1}');
  // RFC 8785 §3.2.3: U+20AC € (0x20ac) sorts before U+1F600 😀 (surrogates 0xd83d…), after "\r" and "1".
  assert.equal(canonicalJson({ '😀': 1, '€': 2, '\r': 3, '1': 4, 'ö': 5 }), '{"\\r":3,"1":4,"ö":5,"€":2,"😀":1}');
  assert.equal(canonicalJson({ '10': 1, '9': 2, '': 3 }), '{"":3,"10":1,"9":2}');
  assert.equal(canonicalJson([]), '[]');
  assert.equal(canonicalJson({}), '{}');
});

test('strings are escaped as RFC 8785 says: the six short escapes, other controls as lower-case \\u00xx, the rest literal', () => {
  assert.equal(canonicalJson('"\\\b\f\n\r\t'), '"\\"\\\\\\b\\f\\n\\r\\t"');
  assert.equal(canonicalJson('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
  assert.equal(canonicalJson('/ € \u2028 \u2029 😀 é'), '"/ € \u2028 \u2029 😀 é"');
  // RFC 8785 appendix / §3.2.2.2 sample string.
  assert.equal(canonicalJson('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/'), '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
  assert.throws(() => canonicalJson('\ud800'), TypeError);
  assert.throws(() => canonicalJson({ '\udc00': 1 }), TypeError);
});

test('numbers: safe integers only, in plain decimal; -0 is written 0', () => {
  assert.equal(canonicalJson([0, -0, 1, -1, 9007199254740991, -9007199254740991, 1000]), '[0,0,1,-1,9007199254740991,-9007199254740991,1000]');
  for (const bad of [1.5, 2 ** 53, NaN, Infinity]) assert.throws(() => canonicalJson(bad), TypeError, String(bad));
  assert.throws(() => canonicalJson(null as unknown as Json), TypeError);
});

test('the reader accepts exactly the canonical text', () => {
  for (const text of ['{}', '[]', '"x"', '0', 'true', '{"a":[1,"b",{"c":false}],"b":-3}', '"\\u001f"', '"€"']) assert.equal(read(text), 'ok', text);
});

test('the reader refuses every other spelling of the same value', () => {
  const cases: [string, string][] = [
    ['{"a":1, "b":2}', 'not_canonical'],
    [' {}', 'not_canonical'],
    ['{}\n', 'not_canonical'],
    ['{"b":1,"a":2}', 'not_canonical'],
    ['{"a":1,"a":1}', 'not_canonical'],
    ['{"a":1,"a":2}', 'not_canonical'],
    ['"\\u0041"', 'not_canonical'],
    ['"\\/"', 'not_canonical'],
    ['"\\u001F"', 'not_canonical'],
    ['"\\u00e9"', 'not_canonical'],
    ['1.0', 'not_canonical'],
    ['1e3', 'not_canonical'],
    ['1E3', 'not_canonical'],
    ['-0', 'not_canonical'],
    ['01', 'malformed_json'],
    ['+1', 'malformed_json'],
    ['9007199254740993', 'unsupported_json'],
    ['1.5', 'unsupported_json'],
    ['null', 'unsupported_json'],
    ['{"a":null}', 'unsupported_json'],
    ['"\\ud800"', 'unsupported_json'],
    ['{"a":1', 'malformed_json'],
    ['', 'malformed_json'],
    ["{'a':1}", 'malformed_json'],
    ['[1,]', 'malformed_json'],
  ];
  for (const [text, code] of cases) assert.equal(read(text), code, text);
  assert.equal(readCanonicalJson(new Uint8Array([0x22, 0xc3, 0x28, 0x22])).ok, false); // invalid UTF-8
  assert.equal(readCanonicalJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])).ok, false); // a BOM before {}
});

const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'grapheme' }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

test('round trip: the reader returns what was written, and re-encoding is stable', () => {
  fc.assert(
    fc.property(jsonValue, (value) => {
      const text = canonicalJson(value);
      const back = readCanonicalJson(utf8(text));
      assert.ok(back.ok, text);
      assert.equal(canonicalJson(back.value), text);
      // Our writer and ECMAScript agree on every string and integer (RFC 8785 builds on JSON.stringify).
      if (typeof value !== 'object') assert.equal(text, JSON.stringify(Object.is(value, -0) ? 0 : value));
    }),
    { numRuns: 500 },
  );
});

test('base64 is read strictly: canonical RFC 4648 with padding only', () => {
  assert.deepEqual(fromBase64('AAEC/w=='), new Uint8Array([0, 1, 2, 255]));
  assert.deepEqual(fromBase64(''), new Uint8Array(0));
  for (const bad of ['AAEC/x==', 'AAEC/w', 'AAEC/w=', 'AAF=', 'AB==', 'AAEC_w==', 'AAEC-w==', 'AAEC /w==', 'AA\nEC/w==', '=AAA', 'A===', '====', 'AA=A', 'AAEC/w==AAAA', 'AAAAé===']) {
    assert.equal(fromBase64(bad), undefined, bad);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
      assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
    }),
  );
});

test('hex is read strictly: lower case, even length', () => {
  assert.deepEqual(fromHex('00ff10'), new Uint8Array([0, 255, 16]));
  for (const bad of ['00FF10', '0', 'abc', '0x00', ' 00', 'gg', '0 ']) assert.equal(fromHex(bad), undefined, bad);
});
