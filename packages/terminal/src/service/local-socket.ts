/**
 * The running terminal's local socket (docs/spec/local-socket.md): HTTP/1.1 over a Unix socket
 * that only the home's owner can reach (0600, in the 0700 home). While `hotline terminal` runs,
 * the home's commands that touch MLS state are run here, by the one process that advances it,
 * instead of in the command's own process; `/healthz` and `/metrics` answer for supervisors.
 *
 * A forwarded command is the command line itself (argv, with the client's working directory
 * and, when the command reads it, its standard input): the service runs the same code the CLI
 * would, so nothing about a command's meaning depends on whether a service is running. What the
 * command prints streams back as NDJSON, ending with its exit status.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { HotlineError } from '../errors.js';

/** What a command sends (POST /v1/commands). */
export interface ForwardedCommand {
  /** The words after `hotline`, exactly as typed. */
  readonly argv: readonly string[];
  /** The home the command resolved (--home or HOTLINE_HOME): must be this service's. */
  readonly home: string;
  /** The command's working directory: relative paths in its arguments are relative to it. */
  readonly cwd: string;
  /** The command's standard input, when it reads it (send with no TEXT). */
  readonly stdin?: string;
}

/** Where a forwarded command's output goes: back to the command, line by line. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
  /** A hook (watch --on-alarm) to run on the command's side, in its user's environment. */
  hook(command: string, env: Record<string, string>): void;
}

export type CommandRunner = (command: ForwardedCommand, output: CommandOutput, signal: AbortSignal) => Promise<number>;

export interface LocalSocketHandlers {
  readonly runCommand: CommandRunner;
  /** The /healthz body: plain facts, no secrets. */
  readonly health: () => Record<string, unknown>;
  /** The /metrics body, OpenMetrics text. */
  readonly metrics: () => string;
  /** A new console session's URL (POST /v1/console/sessions); starts the console if it is not running. */
  readonly consoleSession?: () => Promise<{ url: string }>;
}

export class TerminalAlreadyRunning extends HotlineError {
  override readonly name = 'TerminalAlreadyRunning';
  constructor(message: string) {
    super('terminal_running', message);
  }
}

/** A request body is argv plus at most one message's text: 1 MiB is far beyond any of them. */
const MAX_BODY_BYTES = 1 << 20;

interface Running {
  readonly abort: AbortController;
  readonly done: Promise<unknown>;
}

export class LocalSocketServer {
  private readonly running = new Map<string, Running>();

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  /** Listens on `path`; refuses if another terminal answers there, replaces a dead one's socket file. */
  static async start(path: string, handlers: LocalSocketHandlers): Promise<LocalSocketServer> {
    if (existsSync(path)) {
      if (await answers(path)) throw new TerminalAlreadyRunning(`a terminal is already running for this home (it answers on ${path}): stop it first, or send commands to it`);
      unlinkSync(path); // left by a terminal that did not stop cleanly (SIGKILL, power loss)
    }
    let self: LocalSocketServer | undefined;
    const server = createServer((req, res) => self!.handle(req, res, handlers));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
    self = new LocalSocketServer(server, path);
    return self;
  }

  /** Stops the commands still running (a watch), waits for them, and removes the socket. */
  async close(): Promise<void> {
    for (const r of this.running.values()) r.abort.abort();
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    if (existsSync(this.path)) unlinkSync(this.path);
  }

  private handle(req: IncomingMessage, res: ServerResponse, handlers: LocalSocketHandlers): void {
    const url = new URL(req.url ?? '/', 'http://terminal');
    if (url.pathname === '/healthz' && req.method === 'GET') return json(res, 200, handlers.health());
    if (url.pathname === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(handlers.metrics());
      return;
    }
    if (url.pathname === '/v1/commands' && req.method === 'POST') return void this.command(req, res, handlers.runCommand);
    if (url.pathname === '/v1/console/sessions' && req.method === 'POST' && handlers.consoleSession !== undefined) {
      req.resume();
      handlers.consoleSession().then((session) => json(res, 200, session), (error: unknown) => json(res, 500, { error: `the console could not start: ${error instanceof Error ? error.message : String(error)}` }));
      return;
    }
    const stop = /^\/v1\/commands\/([0-9a-f]{32})\/stop$/.exec(url.pathname);
    if (stop !== null && req.method === 'POST') {
      const r = this.running.get(stop[1]!);
      r?.abort.abort();
      res.writeHead(r === undefined ? 404 : 204).end();
      return;
    }
    json(res, ['/healthz', '/metrics', '/v1/commands', '/v1/console/sessions'].includes(url.pathname) ? 405 : 404, { error: `no ${req.method} ${url.pathname} here` });
  }

  private async command(req: IncomingMessage, res: ServerResponse, run: CommandRunner): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return json(res, 413, { error: `the request body is over ${MAX_BODY_BYTES} bytes` });
    const parsed = parseForwarded(body);
    if (typeof parsed === 'string') return json(res, 400, { error: parsed });
    const id = randomBytes(16).toString('hex');
    const abort = new AbortController();
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send = (value: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify(value)}\n`);
    };
    send({ id });
    // The command's side going away (Ctrl-C, a killed client) stops a command that would run on.
    res.once('close', () => abort.abort());
    const output: CommandOutput = { out: (line) => send({ out: line }), err: (line) => send({ err: line }), hook: (command, env) => send({ hook: { command, env } }) };
    const done = run(parsed, output, abort.signal);
    this.running.set(id, { abort, done });
    try {
      send({ exit: await done });
    } catch (error) {
      // The runner maps every failure it knows to an exit status; anything else is a bug worth its name, not a hang.
      send({ err: `hotline: the running terminal failed: ${error instanceof Error ? error.message : String(error)}` });
      send({ exit: 1 });
    } finally {
      this.running.delete(id);
      res.end();
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit (keeping nothing), so the answer reaches a sender still writing.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** The request body, or what is wrong with it. */
function parseForwarded(body: string): ForwardedCommand | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the request body is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'the request body is not a JSON object';
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v['argv']) || !v['argv'].every((a) => typeof a === 'string')) return 'argv must be an array of strings';
  if (typeof v['home'] !== 'string' || typeof v['cwd'] !== 'string') return 'home and cwd must be strings';
  if (v['stdin'] !== undefined && typeof v['stdin'] !== 'string') return 'stdin must be a string';
  return { argv: v['argv'] as string[], home: v['home'], cwd: v['cwd'], ...(v['stdin'] === undefined ? {} : { stdin: v['stdin'] as string }) };
}

/** Whether something accepts connections on `path` (a live terminal), within a second. */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
