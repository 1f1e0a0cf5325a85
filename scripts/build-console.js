#!/usr/bin/env node
// Builds the console's page to apps/console/dist/web (index.html + hashed assets), after
// `tsc -b` built the workspace packages it imports. Steps, each failing the build:
//   1. type-check the page (tsc -p apps/console/web --noEmit: DOM lib, Preact JSX);
//   2. vite build (apps/console/vite.config.ts);
//   3. hold the output to what the console's CSP and budget allow (docs/spec/console-api.md §1,
//      issue 13): no inline script or style in index.html, no eval in the scripts, and at most
//      150 KB of gzipped JavaScript.
// Usage: node scripts/build-console.js
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const app = join(root, 'apps', 'console');
const out = join(app, 'dist', 'web');
const GZIP_JS_BUDGET = 150 * 1024;

function fail(message) {
  console.error(`build-console: ${message}`);
  process.exit(1);
}

// 1. Type-check with the workspace's TypeScript.
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const checked = spawnSync(process.execPath, [tsc, '-p', join(app, 'web'), '--noEmit'], { stdio: 'inherit' });
if (checked.status !== 0) fail('the page does not type-check (see above)');

// 2. Vite, resolved from the console's workspace (it is that workspace's devDependency).
const vitePath = createRequire(join(app, 'package.json')).resolve('vite');
const { build } = await import(pathToFileURL(vitePath).href);
try {
  await build({ configFile: join(app, 'vite.config.ts'), logLevel: 'warn' });
} catch (e) {
  fail(`vite build failed: ${e instanceof Error ? e.message : String(e)}`);
}

// 3. What the CSP and the budget allow.
const html = readFileSync(join(out, 'index.html'), 'utf8');
if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) fail('index.html has an inline <script>; the CSP allows only script-src \'self\'');
if (/<style\b/i.test(html) || /\sstyle\s*=/i.test(html)) fail('index.html has inline style; the CSP allows only style-src \'self\'');
const assets = join(out, 'assets');
const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
if (scripts.length === 0) fail('vite wrote no script');
let gzipped = 0;
for (const file of scripts) {
  const code = readFileSync(join(assets, file));
  if (/\beval\s*\(|new\s+Function\s*\(/.test(code.toString('utf8'))) fail(`${file} calls eval or new Function; the CSP has no 'unsafe-eval'`);
  gzipped += gzipSync(code, { level: 9 }).length;
}
if (gzipped > GZIP_JS_BUDGET) fail(`the page's JavaScript is ${(gzipped / 1024).toFixed(1)} KB gzipped, over the ${GZIP_JS_BUDGET / 1024} KB budget`);
console.log(`console page: apps/console/dist/web (${scripts.length} script${scripts.length === 1 ? '' : 's'}, ${(gzipped / 1024).toFixed(1)} KB gzipped)`);
