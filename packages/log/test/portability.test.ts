/**
 * packages/log must run in a browser: no `node:` imports and no Node globals outside the
 * explicitly Node-only `*.node.ts` files, and the two crypto providers must agree bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { cryptoProvider } from '../src/index.js';
import * as nodeProvider from '../src/crypto/crypto.node.js';
import * as webProvider from '../src/crypto/crypto.web.js';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, '..', '..', 'src'); // dist/test → package root → src

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('no source file outside *.node.ts imports node: or uses Node globals', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    if (file.endsWith('.node.ts')) continue;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (/from\s+['"]node:|require\(|\bBuffer\b|\bprocess\.|reference types="node"/.test(code)) offenders.push(relative(srcDir, file));
  }
  assert.deepEqual(offenders, []);
});

test('the #crypto import map picks node:crypto in Node and @noble under the browser condition', () => {
  const browser = process.execArgv.some((a) => a.includes('conditions=browser')) || process.env['NODE_OPTIONS']?.includes('conditions=browser');
  assert.equal(cryptoProvider.name, browser ? '@noble' : 'node:crypto');
});

test('both providers hash, derive keys and sign identically, and accept each other\'s signatures', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, message) => {
      assert.deepEqual(nodeProvider.sha256(message), webProvider.sha256(message));
      const a = nodeProvider.ed25519Signer(seed);
      const b = webProvider.ed25519Signer(seed);
      assert.deepEqual(a.publicKey, b.publicKey);
      const sig = a.sign(message);
      assert.deepEqual(sig, b.sign(message), 'Ed25519 is deterministic');
      assert.ok(webProvider.ed25519Verifier(a.publicKey).verify(message, sig));
      assert.ok(nodeProvider.ed25519Verifier(b.publicKey).verify(message, sig));
    }),
    { numRuns: 30 },
  );
});

test('both providers reject the same malleated and malformed signatures (RFC 8032 strict)', () => {
  const seed = new Uint8Array(32).fill(3);
  const message = new TextEncoder().encode('strict');
  const signer = nodeProvider.ed25519Signer(seed);
  const sig = signer.sign(message);
  // S + L (the group order) is the classic malleation; strict verifiers must reject it.
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
  s += L;
  const malleated = sig.slice();
  for (let i = 32; i < 64; i++) {
    malleated[i] = Number(s & 255n);
    s >>= 8n;
  }
  for (const p of [nodeProvider, webProvider]) {
    const v = p.ed25519Verifier(signer.publicKey);
    assert.equal(v.verify(message, malleated), false);
    assert.equal(v.verify(message, sig.subarray(0, 63)), false);
    assert.equal(v.verify(message, new Uint8Array(64)), false);
    assert.equal(p.ed25519Verifier(new Uint8Array(32).fill(0xff)).verify(message, sig), false);
  }
  assert.throws(() => nodeProvider.ed25519Signer(new Uint8Array(31)), RangeError);
  assert.throws(() => webProvider.ed25519Verifier(new Uint8Array(33)), RangeError);
});
