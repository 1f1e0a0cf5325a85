/**
 * The PDF rendering of a verified record (pdf-lib, docs/design/decisions.md): the view laid out
 * on A4 pages in the one embedded font (a subset of DejaVu Sans), with the bundle attached as the
 * rendering's source. Byte-identical across runs: no clock (the dates are the final checkpoint's
 * newest cosignature), the document ID is the bundle's SHA-256, and pdf-lib's only "random"
 * names come from a generator with a fixed seed.
 */
import { AFRelationship, PDFDocument, PDFHexString, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { RECORD_MEDIA_TYPE, type RecordSummary, type RecordTranscript } from '@hotline/verify';
import { bundleDigest } from './bundle-digest.js';
import { layOut, type Geometry, type PlacedLine } from './pdf-layout.js';
import { pdfBlocks } from './pdf-blocks.js';
import { renderingFont } from './rendering-font.js';
import { RENDERING_FORMAT, renderingView, type RenderingView } from './rendering-view.js';
import { escapeCodePoint } from './visible-text.js';

/**
 * Every OpenType feature fontkit would apply by default, turned off. pdf-lib draws each glyph at
 * its own advance and ignores the positioning features (kern, mark) anyway; the substitutions
 * left (ligatures, contextual forms) buy nothing for Latin and Cyrillic and cost most of the
 * time of a long rendering (a 1,000-message record: 6 s with them). Without them each code
 * point is one glyph, so the layout's measure is exact.
 */
const NO_SHAPING = Object.fromEntries(['rvrn', 'ltra', 'ltrm', 'rtla', 'rtlm', 'ccmp', 'locl', 'rlig', 'mark', 'mkmk', 'calt', 'clig', 'liga', 'rclt', 'curs', 'kern'].map((f) => [f, false]));

/** A4 in points. */
const A4: Geometry = { width: 595.28, height: 841.89, margin: 48, footer: 14 };

export async function renderPdf(transcript: RecordTranscript, summary: RecordSummary, bundleBytes: Uint8Array): Promise<Uint8Array> {
  const view = renderingView(transcript, summary, bundleDigest(bundleBytes));
  const fontBytes = renderingFont();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(fontBytes, { subset: true, features: NO_SHAPING });
  const drawable = drawableText(fontBytes);
  const pages = layOut(pdfBlocks(view, drawable), A4, advanceMeasure(font));
  pages.forEach((lines, i) => drawPage(doc.addPage([A4.width, A4.height]), lines, font, drawable(footer(view, i + 1, pages.length))));
  const date = new Date(view.issuedAt);
  await doc.attach(bundleBytes, view.bundleName, {
    mimeType: RECORD_MEDIA_TYPE,
    description: `The Hotline record bundle this PDF renders (SHA-256 ${view.digest}): the evidence, which this rendering is not.`,
    creationDate: date,
    modificationDate: date,
    afRelationship: AFRelationship.Source,
  });
  describe(doc, view, date);
  // The file identifier (ISO 32000-1 §14.4): both halves fixed by the bundle, as the rest is.
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(view.digest), PDFHexString.of(view.digest)]);
  return doc.save({ useObjectStreams: false });
}

/**
 * Text the embedded font can draw: a code point it has no glyph for (an emoji, a script DejaVu
 * lacks, a lone surrogate) is shown as its `\u{…}` escape rather than as an empty box.
 */
function drawableText(fontBytes: Uint8Array): (text: string) => string {
  const glyphs = fontkit.create(fontBytes);
  return (text) => Array.from(text, (c) => (c === '\n' || glyphs.hasGlyphForCodePoint(c.codePointAt(0)!) ? c : escapeCodePoint(c))).join('');
}

/**
 * Text width as the sum of each code point's advance, each measured once: what pdf-lib draws
 * (glyph advances, no kerning), without shaping every candidate line again — shaping per
 * measurement made a 1,000-message record take half a minute. A ligature can only be narrower
 * than its letters, so a line measured this way still fits.
 */
function advanceMeasure(font: PDFFont): (text: string, size: number) => number {
  const advances = new Map<string, number>();
  return (text, size) => {
    let width = 0;
    for (const c of text) {
      let advance = advances.get(c);
      if (advance === undefined) {
        advance = font.widthOfTextAtSize(c, 1);
        advances.set(c, advance);
      }
      width += advance;
    }
    return width * size;
  };
}

function footer(view: RenderingView, page: number, pages: number): string {
  return `A rendering, not evidence. Bundle SHA-256 ${view.digest}. Page ${page} of ${pages}.`;
}

function drawPage(page: PDFPage, lines: readonly PlacedLine[], font: PDFFont, footerText: string): void {
  for (const line of lines) {
    const { style } = line;
    if (line.first && style.ruleAbove === true) {
      page.drawLine({ start: { x: A4.margin, y: line.y + style.size * 1.25 }, end: { x: A4.width - A4.margin, y: line.y + style.size * 1.25 }, thickness: 0.5, color: rgb(0.7, 0.7, 0.7) });
    }
    if (line.first && style.tag !== undefined) {
      const tagX = A4.margin + style.indent;
      const width = font.widthOfTextAtSize(style.tag.text, style.size);
      page.drawRectangle({ x: tagX, y: line.y - style.size * 0.25, width: width + style.size * 0.6, height: style.size * 1.2, color: rgb(...style.tag.fill) });
      page.drawText(style.tag.text, { x: tagX + style.size * 0.3, y: line.y, size: style.size, font, color: rgb(...style.tag.color) });
    }
    page.drawText(line.text, { x: line.x, y: line.y, size: style.size, font, color: rgb(...style.color) });
  }
  page.drawText(footerText, { x: A4.margin, y: A4.margin * 0.6, size: 6.5, font, color: rgb(0.4, 0.4, 0.4) });
}

/** The document information dictionary: fixed words and the bundle's own date, never "now". */
function describe(doc: PDFDocument, view: RenderingView, date: Date): void {
  doc.setTitle(view.title);
  doc.setSubject(`A rendering of a Hotline record bundle, not evidence; the bundle (SHA-256 ${view.digest}) is attached.`);
  doc.setCreator('hotline render');
  doc.setProducer(`hotline 0.1.0 (${RENDERING_FORMAT}), pdf-lib 1.17.1`);
  doc.setLanguage('en');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
}
