/**
 * The HTML rendering (docs/record.md): a pure function of the bundle, a strict self-contained
 * page, every bundle string escaped, and the words that it is a rendering, not evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderHtml, escapeHtml } from '../../src/record/render-html.js';
import { BUNDLE, HOSTILE, RUSSIAN, SUMMARY, TRANSCRIPT } from './transcript-fixture.js';

const html = renderHtml(TRANSCRIPT, SUMMARY, BUNDLE);
const digest = createHash('sha256').update(BUNDLE).digest('hex');

test('rendering twice gives the same bytes', () => {
  assert.equal(renderHtml(TRANSCRIPT, SUMMARY, BUNDLE), html);
});

test('the page says it is a rendering, not evidence, and names the bundle by its SHA-256 and the exact verify command', () => {
  assert.match(html, /This is a rendering of a Hotline record bundle, not evidence\./);
  assert.ok(html.includes(`SHA-256 ${digest}`));
  const command = [
    `hotline verify record-${digest.slice(0, 16)}.json \\`,
    `  --root ${SUMMARY.roots[0]!.vkey} \\`,
    `  --root ${SUMMARY.roots[1]!.vkey} \\`,
    '  --policy POLICY-FILE',
  ].join('\n');
  assert.ok(html.includes(`<pre class="mono">${escapeHtml(command)}</pre>`), 'the command, one option a line');
});

test('hostile message text is escaped: no markup from the bundle, no bidi override, visible escapes instead', () => {
  assert.ok(HOSTILE.includes('<script>') && HOSTILE.includes('\u202e'));
  assert.equal(html.match(/<script/gi), null, 'no script element');
  assert.equal(html.match(/<img/gi), null);
  assert.ok(!html.includes('</p><script>'));
  assert.ok(html.includes('&#60;/p&#62;&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62; &#39;quoted&#39; \\u{202e}gnp.exe 🙂'));
  assert.ok(!html.includes('\u202e'), 'the override itself never reaches the page');
});

test('a strict self-contained page: a CSP allowing only its own stylesheet by hash, nothing fetched, no script', () => {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  assert.ok(style !== undefined);
  const hash = createHash('sha256').update(style, 'utf8').digest('base64');
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}';`));
  const tags = html.match(/<[^>]*>/g) ?? [];
  assert.deepEqual(tags.filter((t) => /\s(src|href|style|on\w+)=/i.test(t)), [], 'no attribute that loads, styles inline or runs anything');
  assert.deepEqual([...new Set(tags.map((t) => /^<\/?([a-z0-9!]+)/i.exec(t)?.[1]?.toLowerCase()))].sort(), ['!doctype', 'article', 'body', 'dd', 'dl', 'dt', 'h1', 'h2', 'head', 'html', 'main', 'meta', 'p', 'pre', 'section', 'span', 'strong', 'style', 'title']);
  assert.equal(html.match(/<style>/g)?.length, 1);
});

test('the transcript: every seq with its log index and checkpoint, precedences, acks, approvals, edits with their history', () => {
  for (const item of TRANSCRIPT.items) {
    assert.ok(html.includes(`<article id="seq-${item.seq}"`), `seq ${item.seq}`);
    assert.ok(html.includes(`log index ${item.logIndex} in checkpoint relay.example/log size 1100`), `log index of seq ${item.seq}`);
  }
  for (const p of ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE']) assert.ok(html.includes(`<span class="${p}">${p}</span>`), p);
  assert.ok(html.includes(`<p class="text" lang="ru">${RUSSIAN}</p>`), 'Russian text as it is, with its language');
  assert.ok(html.includes('Acknowledged by moscow / boris (operator) (#3).'));
  assert.ok(html.includes('Acknowledges #2: &#34;received and understood&#34;; co-signs the transcript up to seq 2.'));
  assert.ok(html.includes('Carries 2 signed approvals (the two-person rule).'));
  assert.ok(html.includes('Edited later: #8, #9; the latest version is #9.'));
  assert.ok(html.includes('Edit of #8: version 3 of 3.'));
  assert.ok(html.includes('It replaces (#8): Meeting moved to Friday.'));
  assert.ok(html.includes('Withheld by the exporter'));
  assert.ok(html.includes('#1  MLS handshake'));
  assert.ok(html.includes('INVALID: breaks the rule bad_reference'));
  assert.ok(html.includes('Read receipt for #4, statement 6363636363636363… (not in this range).'));
});

test('a different transcript or a different bundle renders differently', () => {
  const items = TRANSCRIPT.items.map((i) => (i.seq === 7 && i.statement?.body.kind === 'message' ? { ...i, statement: { ...i.statement, body: { ...i.statement.body, text: 'Meeting moved to Tuesday.' } } } : i));
  assert.notEqual(renderHtml({ ...TRANSCRIPT, items }, SUMMARY, BUNDLE), html);
  assert.notEqual(renderHtml(TRANSCRIPT, SUMMARY, new Uint8Array([...BUNDLE, 0x20])), html);
});

test('escapeHtml escapes exactly the five characters that can end text or an attribute', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;amp;&#60;/a&#62;');
  assert.equal(escapeHtml('Привет, мир'), 'Привет, мир');
});
