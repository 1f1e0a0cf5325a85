import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InsecureFileError, readSecretFile, writeSecretFile } from '../src/index.js';

test('secret files are 0600 in 0700 directories, and refused once readable by others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-secret-'));
  try {
    const path = join(dir, 'nested', 'key');
    assert.equal(readSecretFile(path), undefined);
    writeSecretFile(path, 'secret\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
    assert.equal(readSecretFile(path), 'secret\n');
    writeSecretFile(path, 'replaced\n');
    assert.equal(readSecretFile(path), 'replaced\n', 'atomic replacement');
    chmodSync(path, 0o640);
    assert.throws(() => readSecretFile(path), InsecureFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
