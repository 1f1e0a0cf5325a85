#!/usr/bin/env node
// Runs every compiled test file with node's test runner, then runs packages/log's tests again
// under the `browser` export condition, so the @noble crypto path is exercised too.
// Usage: node scripts/test.js [--only-node] [name-filter]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemTools } from './system-tools.js';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : [],
  );
}

function packageDirs() {
  return ['packages', 'apps']
    .filter((d) => existsSync(join(root, d)))
    .flatMap((d) => readdirSync(join(root, d), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(root, d, e.name, 'dist', 'test')));
}

// End-to-end tests (real processes) compile to test/e2e/dist.
const all = [...packageDirs(), join(root, 'test', 'e2e', 'dist')]
  .flatMap((dir) => testFiles(dir))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (all.length === 0) {
  console.error('no test files found: did `tsc -b` run?');
  process.exit(1);
}

function run(label, args, files) {
  console.log(`\n== ${label}: ${files.length} files ==`);
  const result = spawnSync(process.execPath, [...args, '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
  return result.status ?? 1;
}

// packages/log and packages/verify run in the console's browser too.
const browserFiles = all.filter((f) => ['log', 'verify'].some((p) => f.includes(join('packages', p, 'dist', 'test'))));
// A required tool (chromium) that is missing fails the run here, before any test: never a skip.
if (!ensureSystemTools()) process.exit(1);
let status = 0;
if (browserFiles.length > 0 && !process.argv.includes('--only-node')) status |= run('packages/log and packages/verify under the browser condition (@noble crypto)', ['--conditions=browser'], browserFiles);
status |= run('all tests (node:crypto)', [], all);
process.exit(status);
