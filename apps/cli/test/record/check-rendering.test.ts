/**
 * `hotline verify --rendering`: a rendering is the bundle's only if re-rendering gives exactly
 * its bytes. One changed byte anywhere, a truncation or an extra byte is refused, with the offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRendering } from '../../src/record/check-rendering.js';
import { renderHtml } from '../../src/record/render-html.js';
import { renderPdf } from '../../src/record/render-pdf.js';
import { BUNDLE, SUMMARY, TRANSCRIPT } from './transcript-fixture.js';

const html = new TextEncoder().encode(renderHtml(TRANSCRIPT, SUMMARY, BUNDLE));
const pdf = await renderPdf(TRANSCRIPT, SUMMARY, BUNDLE);
const check = (bytes: Uint8Array) => checkRendering(TRANSCRIPT, SUMMARY, BUNDLE, bytes);

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

test('the renderings themselves are accepted', async () => {
  assert.deepEqual(await check(html), { ok: true, kind: 'html' });
  assert.deepEqual(await check(pdf), { ok: true, kind: 'pdf' });
});

test('one byte changed anywhere is refused, naming the first byte that differs', async () => {
  for (const [name, bytes] of [['html', html], ['pdf', pdf]] as const) {
    for (const at of [5, 6, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 1]) {
      assert.deepEqual(await check(flipped(bytes, at)), { ok: false, kind: name, offset: at }, `${name} byte ${at}`);
    }
  }
});

test('a truncated or extended rendering is refused', async () => {
  assert.deepEqual(await check(pdf.subarray(0, pdf.length - 1)), { ok: false, kind: 'pdf', offset: pdf.length - 1 });
  assert.deepEqual(await check(new Uint8Array([...html, 0x0a])), { ok: false, kind: 'html', offset: html.length });
  assert.deepEqual(await check(new Uint8Array()), { ok: false, kind: 'html', offset: 0 });
});

test('a rendering of another bundle is refused', async () => {
  assert.equal((await checkRendering(TRANSCRIPT, SUMMARY, new Uint8Array([...BUNDLE, 0x20]), pdf)).ok, false);
  assert.equal((await checkRendering(TRANSCRIPT, SUMMARY, new Uint8Array([...BUNDLE, 0x20]), html)).ok, false);
});
