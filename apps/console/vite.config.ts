/**
 * Builds the console's page (apps/console/web) to static files in dist/web that the terminal
 * serves. Run by scripts/build-console.js after `tsc -b`, which builds the workspace packages
 * the page imports (@hotline/log, @hotline/protocol) to their dist.
 *
 * - JSX goes through Vite's own transformer (oxc) with Preact's automatic runtime: no plugin.
 * - The `browser` condition maps packages/log's `#crypto` to its @noble provider (no `node:`).
 * - The page's CSP is `script-src 'self'; style-src 'self'`: no inline script or style may be
 *   emitted, so the module-preload polyfill (an inline helper in some setups) is off and
 *   assets are never inlined as data: scripts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    conditions: ['browser', 'module', 'import', 'default'],
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
