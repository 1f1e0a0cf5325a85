/**
 * The PDF as a reader gets it, through poppler (Debian poppler-utils: pdftoppm, pdftotext), an
 * implementation independent of the one that wrote it: every page rasterises, and the text on
 * the pages is the transcript's, Russian included, hostile text shown literally, a long message
 * running across a page break. Skipped, saying so, where poppler-utils is not installed; the
 * test installs nothing itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { renderPdf } from '../../src/record/render-pdf.js';
import { BUNDLE, RUSSIAN, SUMMARY, TRANSCRIPT } from './transcript-fixture.js';

const poppler = spawnSync('pdftoppm', ['-v']).error === undefined;
const skip = poppler ? false : 'pdftoppm is not installed (Debian poppler-utils)';

function withPdf(work: (file: string, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-render-'));
  return renderPdf(TRANSCRIPT, SUMMARY, BUNDLE)
    .then(async (pdf) => {
      writeFileSync(join(dir, 'record.pdf'), pdf);
      await work(join(dir, 'record.pdf'), dir);
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

const pageText = (file: string, page: number): string => execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-']).toString();

test('every page rasterises with pdftoppm', { skip }, () => withPdf(async (file, dir) => {
  const pages = (await PDFDocument.load(readFileSync(file))).getPageCount();
  execFileSync('pdftoppm', ['-r', '40', '-png', file, join(dir, 'page')]);
  const images = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  assert.equal(images.length, pages);
  for (const image of images) assert.deepEqual([...readFileSync(join(dir, image)).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${image} is a PNG`);
}));

test('the pages carry the transcript\'s text: Russian, precedences, hostile text literally, the notice on every page', { skip }, () => withPdf(async (file) => {
  const pages = (await PDFDocument.load(readFileSync(file))).getPageCount();
  const texts = Array.from({ length: pages }, (_, i) => pageText(file, i + 1));
  const all = texts.join('\n').replace(/\s+/g, ' ');
  assert.ok(all.includes(RUSSIAN), 'the Russian message, as its characters (the ToUnicode map is right)');
  assert.ok(all.includes('This is a rendering of a Hotline record bundle, not evidence.'));
  for (const p of ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE']) assert.ok(all.includes(p), p);
  assert.ok(all.includes('</p><script>alert("x")</script> & <img src=x onerror=alert(1)>'), 'hostile text shown as the characters it is');
  assert.ok(all.includes('\\u{202e}gnp.exe \\u{1f642}'), 'the bidi override and the emoji the font lacks, as visible escapes');
  texts.forEach((t, i) => assert.match(t, new RegExp(`A rendering, not evidence\\. Bundle SHA-256 [0-9a-f]{64}\\. Page ${i + 1} of ${pages}\\.`), `footer of page ${i + 1}`));
  const first = texts.findIndex((t) => t.includes('Абзац 1:'));
  const last = texts.findIndex((t) => t.includes('Абзац 60:'));
  assert.ok(first >= 0 && last > first, `the long message starts on page ${first + 1} and ends on page ${last + 1}`);
}));
