/**
 * The PDF rendering (docs/record.md): byte-identical across runs (in another process, in another
 * time zone), the bundle attached byte for byte, the one font embedded, its ID and dates fixed by
 * the bundle — read back with pdf-lib's parser, not with the code that wrote it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString } from 'pdf-lib';
import { renderPdf } from '../../src/record/render-pdf.js';
import { BUNDLE, SUMMARY, TRANSCRIPT } from './transcript-fixture.js';

const pdf = await renderPdf(TRANSCRIPT, SUMMARY, BUNDLE);
const digest = createHash('sha256').update(BUNDLE).digest('hex');
const doc = await PDFDocument.load(pdf, { updateMetadata: false });

/** A member of a dictionary (by name) or an array (by position), checked to be of the type expected. */
// pdf-lib's classes have private constructors: the type is matched by its prototype.
function get<T>(container: PDFDict | PDFArray, key: string | number, type: Function & { prototype: T }): T {
  const value = container instanceof PDFArray ? container.lookup(key as number) : container.lookup(PDFName.of(key as string));
  assert.ok(value instanceof type, `${String(key)} is a ${type.name}`);
  return value as T;
}

test('rendering twice gives the same bytes', async () => {
  assert.deepEqual(await renderPdf(TRANSCRIPT, SUMMARY, BUNDLE), pdf);
});

test('another process, in another time zone and locale, renders the same bytes', () => {
  const render = fileURLToPath(new URL('../../src/record/render-pdf.js', import.meta.url));
  const fixture = fileURLToPath(new URL('./transcript-fixture.js', import.meta.url));
  const script = `const { renderPdf } = await import(${JSON.stringify(render)}); const f = await import(${JSON.stringify(fixture)});
process.stdout.write(Buffer.from(await renderPdf(f.TRANSCRIPT, f.SUMMARY, f.BUNDLE)).toString('base64'));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'ru_RU.UTF-8', LC_ALL: 'ru_RU.UTF-8' }, maxBuffer: 64 << 20 });
  assert.deepEqual(new Uint8Array(Buffer.from(out.toString(), 'base64')), pdf);
});

test('the bundle is attached, byte for byte, under its name, as the rendering\'s source, with the bundle\'s date', () => {
  const names = get(get(get(doc.catalog, 'Names', PDFDict), 'EmbeddedFiles', PDFDict), 'Names', PDFArray);
  assert.equal(names.size(), 2, 'one attachment');
  const name = names.lookup(0);
  assert.ok(name instanceof PDFHexString || name instanceof PDFString);
  assert.equal(name.decodeText(), `record-${digest.slice(0, 16)}.json`);
  const spec = get(names, 1, PDFDict);
  assert.equal(get(spec, 'AFRelationship', PDFName).decodeText(), 'Source');
  const stream = get(get(spec, 'EF', PDFDict), 'F', PDFRawStream);
  assert.deepEqual(decodePDFRawStream(stream).decode(), BUNDLE);
  const params = get(stream.dict, 'Params', PDFDict);
  assert.equal(get(params, 'CreationDate', PDFString).asString(), 'D:20261202091501Z', 'the newest cosignature, not the time of rendering');
});

test('the one font is embedded (a TrueType subset of DejaVu Sans with a ToUnicode map) and no other font is used', () => {
  const fonts = new Set<string>();
  for (const page of doc.getPages()) {
    const resources = page.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
    for (const [, ref] of resources.entries()) {
      const font = doc.context.lookup(ref, PDFDict);
      const descendant = font.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
      const descriptor = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict);
      const file = get(descriptor, 'FontFile2', PDFRawStream);
      assert.ok(decodePDFRawStream(file).decode().length > 1000, 'the font program is in the file');
      assert.ok(font.lookup(PDFName.of('ToUnicode')) !== undefined, 'text can be extracted and searched');
      fonts.add(font.lookup(PDFName.of('BaseFont'), PDFName).decodeText());
    }
  }
  assert.equal(fonts.size, 1);
  assert.match([...fonts][0]!, /^DejaVuSans-\d+$/);
});

test('the file ID is the bundle\'s SHA-256 and the document dates are the bundle\'s, never the clock', () => {
  const id = doc.context.trailerInfo.ID as PDFArray;
  assert.equal(id.lookup(0, PDFHexString).asString(), digest);
  assert.equal(id.lookup(1, PDFHexString).asString(), digest);
  assert.equal(doc.getCreationDate()?.toISOString(), '2026-12-02T09:15:01.000Z');
  assert.equal(doc.getModificationDate()?.toISOString(), '2026-12-02T09:15:01.000Z');
  assert.match(doc.getSubject() ?? '', /not evidence/);
  assert.ok(doc.getPageCount() >= 2, 'the long message runs onto a second page');
});

test('a different bundle gives a different ID and attachment', async () => {
  const other = await renderPdf(TRANSCRIPT, SUMMARY, new Uint8Array([...BUNDLE, 0x20]));
  assert.notDeepEqual(other, pdf);
});
