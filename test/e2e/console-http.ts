/**
 * Raw HTTP to a console, for what a browser will not send on purpose: a foreign Host (DNS
 * rebinding seen from the server), a foreign or missing Origin on a POST, no session at all.
 * node:http, because fetch does not let a caller choose the Host header.
 */
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export function raw(origin: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: options.method ?? 'GET', headers: options.headers ?? {}, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${path}: no answer in 10 s`)));
    req.once('error', reject);
    req.end(options.body);
  });
}

/** A command as a tool posts it: the session as a bearer token, the console's own Origin, JSON. */
export async function command(origin: string, token: string, name: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await raw(origin, `/api/commands/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
}

/**
 * The feed's event ids from `after` on, read from the SSE stream directly until `untilId` (or
 * until `ms` pass): what the page should have seen, from the server's own replay.
 */
export function feedIds(origin: string, token: string, after: number, untilId: number, ms = 10_000): Promise<number[]> {
  const url = new URL(`/api/events?after=${after}`, origin);
  return new Promise((resolve, reject) => {
    const ids: number[] = [];
    let buffer = '';
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffer += d;
        for (const m of buffer.matchAll(/^id: (\d+)$/gm)) if (!ids.includes(Number(m[1]))) ids.push(Number(m[1]));
        if (ids.length > 0 && ids.at(-1)! >= untilId) done();
      });
    });
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      req.destroy();
      resolve(ids);
    }
    req.once('error', (e) => (ids.length > 0 ? resolve(ids) : reject(e)));
    req.end();
  });
}
