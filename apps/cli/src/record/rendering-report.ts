/**
 * `hotline verify FILE … --rendering OUT`: the rendering file checked against the verified bundle
 * (check-rendering.ts), and the one line that says how it went.
 */
import type { RecordSummary, RecordTranscript } from '@hotline/verify';
import { checkRendering, type RenderingCheck } from './check-rendering.js';
import { readBytes } from './read-file.js';

export function checkRenderingFile(path: string, verified: { readonly transcript: RecordTranscript; readonly summary: RecordSummary }, bundleBytes: Uint8Array): Promise<RenderingCheck> {
  return checkRendering(verified.transcript, verified.summary, bundleBytes, readBytes(path, 'rendering'));
}

/** "rendering r.pdf: this bundle's PDF rendering, byte for byte" or where it differs. */
export function renderingLine(file: string, check: RenderingCheck): string {
  const kind = check.kind === 'pdf' ? 'PDF' : 'HTML';
  return check.ok
    ? `rendering ${file}: this bundle's ${kind} rendering, byte for byte`
    : `hotline: rendering ${file} is NOT this bundle's ${kind} rendering: it differs from a fresh rendering at byte ${check.offset} (changed, made from another bundle, or by another version of hotline)`;
}
