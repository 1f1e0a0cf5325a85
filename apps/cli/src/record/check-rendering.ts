/**
 * `hotline verify FILE --rendering R`: a rendering is checked by making it again from the
 * verified bundle and comparing byte for byte — a rendering carries no signature of its own, so
 * "this page shows that bundle" can only mean "this bundle renders to exactly these bytes".
 * A PDF is recognised by its header (`%PDF-`), anything else is compared as the HTML rendering.
 */
import type { RecordSummary, RecordTranscript } from '@hotline/verify';
import { renderHtml } from './render-html.js';
import { renderPdf } from './render-pdf.js';

export type RenderingCheck =
  | { readonly ok: true; readonly kind: 'html' | 'pdf' }
  /** `offset`: the first byte that differs (the shorter file's length when one is a prefix of the other). */
  | { readonly ok: false; readonly kind: 'html' | 'pdf'; readonly offset: number };

export async function checkRendering(transcript: RecordTranscript, summary: RecordSummary, bundleBytes: Uint8Array, rendering: Uint8Array): Promise<RenderingCheck> {
  const kind = isPdf(rendering) ? 'pdf' : 'html';
  const expected = kind === 'pdf' ? await renderPdf(transcript, summary, bundleBytes) : new TextEncoder().encode(renderHtml(transcript, summary, bundleBytes));
  const offset = firstDifference(expected, rendering);
  return offset === undefined ? { ok: true, kind } : { ok: false, kind, offset };
}

function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-';
}

function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}
