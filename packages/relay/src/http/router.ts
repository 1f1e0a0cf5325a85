/**
 * A small router over node:http: method + path pattern → handler. Bodies are read with a hard
 * size limit (413 beyond it); every error becomes a JSON body `{ error: { code, message } }`
 * with the matching status, and nothing is stored unless a handler completes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RelayError, tooLarge, unauthorized } from '../errors.js';
import type { Count } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Session, Sessions } from '../sessions.js';
import type { AccessSnapshot } from '../storage/access.js';

export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly json?: unknown;
}

export interface Request {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly params: readonly string[];
  body(): Promise<Uint8Array>;
  /** The authenticated, active device's session; throws 401 otherwise. */
  session(): Session;
}

/** Each route module closes over its own dependencies (see its factory); a handler gets the request. */
export type Handler = (request: Request) => Promise<Reply> | Reply;

/** What dispatching needs: authentication, the body bound, logging and counting. */
export interface RouterDeps {
  readonly sessions: Pick<Sessions, 'authenticate'>;
  readonly access: Pick<AccessSnapshot, 'isActive'>;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  readonly count: { readonly http: Count; readonly rejected: Count };
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly name: string;
  readonly handler: Handler;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(tooLarge(`body of ${declared} bytes is more than ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge(`body is more than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
    req.on('error', reject);
  });
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0' || req.headers['transfer-encoding'] !== undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim();
}

export function authenticate(req: IncomingMessage, deps: Pick<RouterDeps, 'sessions' | 'access'>): Session {
  const token = bearerToken(req);
  if (token === undefined) throw unauthorized('missing "Authorization: Bearer <token>"; log in first');
  const session = deps.sessions.authenticate(token);
  if (session === undefined) throw unauthorized('session token is unknown or expired; log in again');
  if (!deps.access.isActive(session.deviceKey)) throw unauthorized('device is revoked, expired or unknown');
  return session;
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body: string | Uint8Array = '';
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json';
  } else if (reply.body !== undefined) {
    body = reply.body;
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

export function errorReply(error: unknown): Reply {
  if (error instanceof RelayError) {
    return {
      status: error.status,
      headers: error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) },
      json: { error: { code: error.code, message: error.message } },
    };
  }
  return { status: 500, json: { error: { code: 'internal', message: 'internal error' } } };
}

export function dispatcher(routes: readonly Route[], ctx: RouterDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    let route: Route | undefined;
    let params: string[] = [];
    let pathMatched = false;
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (m === null) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      route = r;
      params = m.slice(1);
      break;
    }
    if (route === undefined) {
      const status = pathMatched ? 405 : 404;
      ctx.count.http(1, { route: 'unmatched', status: String(status) });
      send(res, { status, headers: hasBody(req) ? { connection: 'close' } : {}, json: { error: { code: pathMatched ? 'method_not_allowed' : 'not_found', message: `no ${req.method} ${url.pathname}` } } });
      return;
    }
    const matched = route;
    let cachedBody: Promise<Uint8Array> | undefined;
    const request: Request = {
      req,
      url,
      params,
      body: () => (cachedBody ??= readBody(req, ctx.maxBodyBytes)),
      session: () => authenticate(req, ctx),
    };
    Promise.resolve()
      .then(() => matched.handler(request))
      .catch((error: unknown) => {
        if (!(error instanceof RelayError)) ctx.logger.log('error', 'handler failed', { route: matched.name, error: (error as Error).stack ?? String(error) });
        else ctx.count.rejected(1, { code: error.code, transport: 'http' });
        return errorReply(error);
      })
      .then((reply) => {
        ctx.count.http(1, { route: matched.name, status: String(reply.status ?? 200) });
        // An unread body (a request rejected before reading it) is not drained: close instead.
        send(res, cachedBody === undefined && hasBody(req) ? { ...reply, headers: { ...reply.headers, connection: 'close' } } : reply);
      });
  };
}
