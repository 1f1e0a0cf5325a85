/**
 * The console's HTTP server (docs/spec/console-api.md): 127.0.0.1 only, one port, the page's
 * files and its API behind one check order — Host first (DNS rebinding), then the session
 * (401 for anything without one, `/` and the page's files included), then for a POST its
 * Origin and content type. Nothing here holds keys: commands go to the terminal through its
 * backend, between its rounds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ConsoleBackend } from './backend.js';
import { EventStream, startCursor } from './event-stream.js';
import { hostAllowed, postRefusal, SECURITY_HEADERS } from './guards.js';
import { answer, failure, readJsonObject } from './http-answers.js';
import { ExportedFiles, preferencesRoute, runCommandRoute } from './command-routes.js';
import { readRoute } from './read-routes.js';
import { presentedToken, sessionCookie, Sessions } from './sessions.js';
import { PageFiles } from './static-files.js';

export interface ConsoleServerOptions {
  readonly backend: ConsoleBackend;
  /** 0 for any free port. */
  readonly port: number;
  /** The built page (default: this package's dist/web). */
  readonly pageDir?: string;
  /** Says how to get a session, in the 401 body (e.g. "hotline console --home /path"). */
  readonly howToGetSession: string;
  /** A line for the terminal's log (never tokens, text or keys). */
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

export class ConsoleServer {
  readonly sessions = new Sessions();
  private readonly streams = new Set<EventStream>();
  private readonly exported = new ExportedFiles();
  private readonly page: PageFiles;

  private constructor(
    private readonly server: Server,
    private readonly options: ConsoleServerOptions,
    readonly port: number,
  ) {
    this.page = new PageFiles(options.pageDir);
  }

  /** Listens on 127.0.0.1:port. */
  static async start(options: ConsoleServerOptions): Promise<ConsoleServer> {
    let self: ConsoleServer | undefined;
    const server = createServer((req, res) => {
      self!.handle(req, res).catch((error: unknown) => {
        options.log?.('console_failed', { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) failure(res, 500, 'internal', 'the console failed to answer: see the terminal\'s log');
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    self = new ConsoleServer(server, options, (server.address() as AddressInfo).port);
    return self;
  }

  /** A new session's URL: what `hotline console` prints. */
  newSessionUrl(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.sessions.create()}`;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers, this.port)) return answer(res, 421, { 'content-type': 'text/plain; charset=utf-8' }, `this console answers only to Host 127.0.0.1:${this.port} or localhost:${this.port}\n`);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const offered = url.searchParams.get('token') ?? undefined;
    if (req.method === 'GET' && url.pathname === '/' && offered !== undefined && this.sessions.valid(offered)) {
      // Trade the token for the cookie and take it out of the address bar and history.
      return answer(res, 303, { location: '/', 'set-cookie': sessionCookie(offered, this.port), 'content-type': 'text/plain; charset=utf-8' }, 'session started\n');
    }
    if (!this.sessions.valid(presentedToken(req.headers, this.port))) {
      return answer(res, 401, { 'content-type': 'text/plain; charset=utf-8' }, `no console session: run ${this.options.howToGetSession} and open the URL it prints\n`);
    }
    if (req.method === 'POST') return this.post(req, url, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return failure(res, 405, 'method_not_allowed', `no ${req.method} here`);
    if (url.pathname.startsWith('/api/')) await this.options.backend.settled();
    return this.get(req, url, res);
  }

  private get(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const backend = this.options.backend;
    if (url.pathname === '/api/events') {
      const cursor = startCursor(req, url, backend);
      if (typeof cursor === 'string') return failure(res, 400, 'bad_request', cursor);
      const stream = new EventStream(res, backend, cursor);
      this.streams.add(stream);
      res.once('close', () => this.streams.delete(stream));
      return;
    }
    const exportFile = /^\/api\/exports\/([A-Za-z0-9_.-]+)$/.exec(url.pathname);
    if (exportFile !== null) return this.download(exportFile[1]!, res);
    if (url.pathname.startsWith('/api/')) {
      if (!readRoute(url, backend, res)) failure(res, 404, 'not_found', `no GET ${url.pathname} here`);
      return;
    }
    if (!this.page.built()) return answer(res, 503, { 'content-type': 'text/plain; charset=utf-8' }, 'the console\'s page is not built: run npm run build\n');
    const file = this.page.file(url.pathname);
    if (file === undefined) return answer(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found\n');
    // Hashed asset names never change content: the browser may keep them.
    const cache = url.pathname.startsWith('/assets/') ? { 'cache-control': 'private, max-age=31536000, immutable' } : {};
    answer(res, 200, { 'content-type': file.type, ...cache }, req.method === 'HEAD' ? '' : file.body);
  }

  private download(name: string, res: ServerResponse): void {
    const path = join(this.options.backend.exportsDir, name);
    if (!this.exported.has(name) || !existsSync(path)) return failure(res, 404, 'not_found', `no export named ${JSON.stringify(name)} was made from this console`);
    const type = name.endsWith('.pdf') ? 'application/pdf' : name.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/json';
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-disposition': `attachment; filename="${name}"` });
    createReadStream(path).pipe(res);
  }

  private async post(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const refused = postRefusal(req.headers, this.port);
    if (refused !== undefined) {
      req.resume();
      return failure(res, 403, 'forbidden', refused);
    }
    const body = await readJsonObject(req);
    if (typeof body === 'string') return failure(res, 400, 'bad_request', body);
    if (url.pathname === '/api/preferences') return preferencesRoute(body, this.options.backend, res);
    const command = /^\/api\/commands\/([a-z]+)$/.exec(url.pathname);
    if (command === null) return failure(res, 404, 'not_found', `no POST ${url.pathname} here`);
    this.options.log?.('console_command', { command: command[1] });
    return runCommandRoute(command[1]!, body, this.options.backend, this.exported, res);
  }
}
