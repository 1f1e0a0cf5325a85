/**
 * The page's built files (apps/console/dist/web, written by scripts/build-console.js), served
 * read-only: `/` is index.html, `/assets/…` the hashed bundles. A path that leaves the
 * directory, or names a dot file, is not found rather than resolved.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build puts the page, relative to this compiled file (dist/src/server/). */
export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.ico': 'image/x-icon',
};

export interface PageFile {
  readonly body: Buffer;
  readonly type: string;
}

export class PageFiles {
  /** The build does not change while a terminal runs: each file is read once. */
  private readonly cache = new Map<string, PageFile>();

  constructor(readonly dir: string = DEFAULT_PAGE_DIR) {}

  /** True once the page has been built. */
  built(): boolean {
    return existsSync(join(this.dir, 'index.html'));
  }

  /** The file for a URL path, or undefined. */
  file(urlPath: string): PageFile | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    if (relative.split('/').some((part) => part === '' || part.startsWith('.')) || relative.includes('\0')) return undefined;
    const path = normalize(join(this.dir, relative));
    if (!path.startsWith(normalize(this.dir).replace(/[\\/]?$/, sep))) return undefined;
    const type = TYPES[extname(path)];
    if (type === undefined) return undefined;
    const cached = this.cache.get(path);
    if (cached !== undefined) return cached;
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    const file = { body: readFileSync(path), type };
    this.cache.set(path, file);
    return file;
  }
}
