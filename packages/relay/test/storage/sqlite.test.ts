/** The storage conformance suite on the embedded backend: a fresh SQLite file per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageConformance } from './conformance.js';

storageConformance({
  name: 'sqlite',
  fresh: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-storage-'));
    return { url: `sqlite:${join(dir, 'relay.db')}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});
