/**
 * `hotline` on PATH (issue 11, item 6): after the README's install command (`npm ci`),
 * node_modules/.bin/hotline and `npx hotline` run the CLI. npm links a workspace's bin only if
 * the file exists at install time, so the bin is a committed shim; the root `prepare` script,
 * which npm ci runs after linking, builds the dist/ it imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('node_modules/.bin/hotline --help and npx hotline --help exit 0 with the usage', { timeout: 60_000 }, () => {
  const direct = spawnSync(join(ROOT, 'node_modules', '.bin', 'hotline'), ['--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(direct.status, 0, direct.stderr);
  assert.match(direct.stdout, /^usage: hotline <command> \[options\]/);
  // --no: never fetch a package called hotline from the registry, the workspace's bin must do;
  // -- so that --help is hotline's, not npx's.
  const npx = spawnSync('npx', ['--no', '--', 'hotline', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(npx.status, 0, npx.stderr);
  assert.equal(npx.stdout, direct.stdout);
});

test('npm ci builds what the shim runs: the root prepare script runs tsc -b', () => {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(root.scripts['prepare'] ?? '', /^tsc -b\b/);
  const cli = JSON.parse(readFileSync(join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(cli.bin['hotline'], 'bin/hotline.js', 'a committed file, not a build output');
});

test('the shim says what to do when nothing is built yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-shim-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'apps', 'cli', 'bin', 'hotline.js'), join(dir, 'bin', 'hotline.js'));
    copyFileSync(join(ROOT, 'apps', 'cli', 'package.json'), join(dir, 'package.json')); // "type": "module", as in apps/cli
    const unbuilt = spawnSync(process.execPath, [join(dir, 'bin', 'hotline.js'), '--help'], { encoding: 'utf8' });
    assert.equal(unbuilt.status, 1);
    assert.equal(unbuilt.stderr, 'hotline: not built yet: run npm run build (npm ci builds too)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
