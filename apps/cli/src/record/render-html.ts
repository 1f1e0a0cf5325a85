/**
 * The HTML rendering of a verified record: one self-contained page, inline CSS, no script, no
 * fetch of anything (a Content-Security-Policy that allows only the page's own stylesheet, by its
 * hash, so even a mistake in escaping could not run or load anything). Every string from the
 * bundle is escaped: message text is hostile input.
 */
import { createHash } from 'node:crypto';
import type { RecordSummary, RecordTranscript } from '@hotline/verify';
import type { EntryView } from './entry-view.js';
import { renderingView, type RenderingView } from './rendering-view.js';
import { bundleDigest } from './bundle-digest.js';

const STYLE = [
  'body{font-family:"DejaVu Sans","Noto Sans",sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#111;line-height:1.4}',
  '.notice{border:2px solid #a00;padding:.6em 1em;background:#fff4f4}',
  'code,.mono{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;overflow-wrap:anywhere}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}',
  'article{border-top:1px solid #bbb;padding:.5em 0}h2{font-size:1em;margin:.2em 0}',
  '.meta{color:#555;font-size:.8em;margin:0;overflow-wrap:anywhere}',
  '.text{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate;border-left:3px solid #888;padding-left:.6em}',
  '.note{font-size:.9em;margin:.2em 0;white-space:pre-wrap;overflow-wrap:anywhere}.breach{color:#a00;font-weight:bold}',
  '.FLASH{color:#fff;background:#b00;padding:0 .3em}.IMMEDIATE{color:#fff;background:#d60;padding:0 .3em}',
  '.PRIORITY{background:#fd4;padding:0 .3em}.ROUTINE{background:#ddd;padding:0 .3em}',
  '.withheld,.handshake{color:#555}',
].join('\n');

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

export function renderHtml(transcript: RecordTranscript, summary: RecordSummary, bundleBytes: Uint8Array): string {
  return htmlOf(renderingView(transcript, summary, bundleDigest(bundleBytes)));
}

/** `& < > " '` as entities: the only characters that can end a text node or an attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlOf(view: RenderingView): string {
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(view.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${e(view.title)}</h1>`,
    `<section class="notice">${view.notice.map((p) => `<p><strong>${e(p)}</strong></p>`).join('')}</section>`,
    '<section>',
    '<p>Verify the bundle with:</p>',
    `<pre class="mono">${e(view.verifyCommand)}</pre>`,
    ...view.verifyNotes.map((n) => `<p class="note">${e(n)}</p>`),
    '</section>',
    `<dl>${view.facts.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('')}</dl>`,
    '<main>',
    ...view.entries.map(entryHtml),
    '</main>',
    `<p class="meta">End of the rendering of bundle SHA-256 ${e(view.digest)}.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function entryHtml(entry: EntryView): string {
  const e = escapeHtml;
  const heading = entry.precedence === undefined ? e(entry.heading) : `${e(entry.heading)}  <span class="${e(entry.precedence)}">${e(entry.precedence)}</span>`;
  return [
    `<article id="seq-${entry.seq}" class="${entry.tone}">`,
    `<h2>${heading}</h2>`,
    ...entry.meta.map((m) => `<p class="meta">${e(m)}</p>`),
    ...(entry.text === undefined ? [] : [`<p class="text" lang="${e(entry.text.language)}">${e(entry.text.text)}</p>`]),
    ...entry.notes.map((n) => `<p class="note">${e(n)}</p>`),
    ...entry.breaches.map((b) => `<p class="note breach">INVALID: breaks the rule ${e(b)}; it is in the log but counts for nothing.</p>`),
    '</article>',
  ].join('\n');
}
