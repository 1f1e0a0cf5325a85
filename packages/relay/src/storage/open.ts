/**
 * Opening storage by URL: `sqlite:PATH` (the embedded default; `hotline relay --data DIR`
 * means `sqlite:DIR/relay.db`) or `postgres://…` (a shared database several relay nodes may
 * use). The URL picks the backend; each backend parses the rest its own way.
 */
import { join } from 'node:path';
import type { RelayStorage } from './interfaces.js';
import { openPostgresStorage } from './postgres/postgres-storage.js';
import { redact } from './redact.js';
import { openSqliteStorage } from './sqlite/sqlite-storage.js';

export { redact } from './redact.js';

export interface OpenStorageOptions {
  readonly onError?: (message: string) => void;
}

/** A storage URL that names no backend, or names one badly: the message says which. */
export class StorageUrlError extends Error {
  override readonly name = 'StorageUrlError';
}

export type StorageUrl = { readonly backend: 'sqlite'; readonly path: string } | { readonly backend: 'postgres'; readonly url: string };

/** The storage URL of a data directory: its SQLite file. */
export function dataDirStorage(dataDir: string): string {
  return `sqlite:${join(dataDir, 'relay.db')}`;
}

export function parseStorageUrl(url: string): StorageUrl {
  if (url.startsWith('sqlite:')) {
    // sqlite:PATH, or sqlite:///abs/path as some tools write it.
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path.includes('\0')) throw new StorageUrlError(`storage URL ${JSON.stringify(url)}: sqlite: needs a file path, as in sqlite:/var/lib/hotline/relay.db`);
    return { backend: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new StorageUrlError(`storage URL ${JSON.stringify(redact(url))} is not a valid postgres:// URL`);
    }
    return { backend: 'postgres', url };
  }
  throw new StorageUrlError(`storage URL ${JSON.stringify(redact(url).slice(0, 80))} names no backend: use sqlite:PATH or postgres://USER@HOST:PORT/DATABASE`);
}

export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<RelayStorage> {
  const parsed = parseStorageUrl(url);
  if (parsed.backend === 'sqlite') return openSqliteStorage(parsed.path, options);
  return openPostgresStorage(parsed.url, options);
}
