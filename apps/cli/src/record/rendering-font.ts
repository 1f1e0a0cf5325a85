/**
 * The one font every PDF rendering embeds: DejaVu Sans 2.37 (Latin, Cyrillic, Greek and more in
 * one file), from the npm package pinned in apps/cli/package.json. Its bytes are part of what
 * makes a rendering reproducible, so they are checked against the digest of the pinned file:
 * another font file would render other bytes, and is refused rather than used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';

const FONT_FILE = 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
const FONT_SHA256 = '7da195a74c55bef988d0d48f9508bd5d849425c1770dba5d7bfc6ce9ed848954';

let cached: Uint8Array | undefined;

export function renderingFont(): Uint8Array {
  if (cached !== undefined) return cached;
  const bytes = new Uint8Array(readFileSync(createRequire(import.meta.url).resolve(FONT_FILE)));
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== FONT_SHA256) throw new Error(`${FONT_FILE} is not the pinned DejaVu Sans 2.37 (SHA-256 ${digest}): renderings would not be reproducible`);
  cached = bytes;
  return bytes;
}
