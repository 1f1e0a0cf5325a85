/**
 * @hotline/verify: the checks a terminal, `hotline verify` and the console run on what they
 * are shown. Browser-safe: no `node:` imports, crypto through @hotline/log's provider.
 */
export const VERIFY_PACKAGE = '@hotline/verify';
export * from './record/types.js';
export { encodeRecordBundle } from './record/encode.js';
export { verifyRecordBundle } from './record/verify.js';
export { verifySequentially } from './record/signatures.js';
export { type Json, canonicalJson, encodeCanonicalJson, readCanonicalJson } from './json/canonical-json.js';
