/**
 * A small lying proxy in front of a real relay, on 127.0.0.1: every request is passed through
 * unless the current `lie` says otherwise — answer with a status of its own, or rewrite the
 * relay's JSON answer. The relay itself stays honest; the terminal only sees the proxy.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Lie = (method: string, path: string) => undefined | { readonly status: number; readonly body?: string } | { readonly rewrite: (json: Record<string, unknown>) => Record<string, unknown> };

export interface LyingProxy {
  readonly url: string;
  setLie(lie: Lie | undefined): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'content-encoding', 'transfer-encoding']);

export async function lyingProxy(upstream: string): Promise<LyingProxy> {
  let lie: Lie | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const told = lie?.(req.method!, req.url!);
      if (told !== undefined && 'status' in told) {
        res.writeHead(told.status, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(told.body ?? JSON.stringify({ error: { code: 'proxy_says_no', message: `status ${told.status} from the lying proxy` } }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)).map(([k, v]) => [k, String(v)]));
      const body = chunks.length === 0 || req.method === 'GET' ? undefined : Buffer.concat(chunks);
      fetch(`${upstream}${req.url}`, { method: req.method!, headers, ...(body === undefined ? {} : { body }) })
        .then(async (r) => {
          let bytes = Buffer.from(await r.arrayBuffer());
          if (told !== undefined && 'rewrite' in told && r.ok) bytes = Buffer.from(JSON.stringify(told.rewrite(JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)));
          res.writeHead(r.status, Object.fromEntries([...r.headers].filter(([k]) => !HOP_BY_HOP.has(k))));
          res.end(bytes);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setLie(next) {
      lie = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
