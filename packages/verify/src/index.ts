/**
 * @hotline/verify: the checks a terminal, `hotline verify` and the console run on what they
 * are shown. Browser-safe: no `node:` imports, crypto through @hotline/log's provider.
 */
export const VERIFY_PACKAGE = '@hotline/verify';
export * from './record/types.js';
