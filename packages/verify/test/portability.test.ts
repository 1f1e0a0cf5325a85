/**
 * packages/verify must run in a browser (the console verifies with WebCrypto): no `node:`
 * imports, no `require`, no Node globals in any source file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, '..', '..', 'src'); // dist/test → package root → src

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('no source file of packages/verify imports node: or uses Node globals', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (/from\s+['"]node:|require\(|\bBuffer\b|\bprocess\.|reference types="node"|better-sqlite3|@hotline\/terminal|@hotline\/node-files/.test(code)) offenders.push(relative(srcDir, file));
  }
  assert.deepEqual(offenders, []);
});
