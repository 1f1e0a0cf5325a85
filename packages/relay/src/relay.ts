/**
 * Starting and stopping a relay: wires storage, sequencer, integrator, sessions, fan-out and
 * the HTTP/WebSocket server. `close()` is graceful: it stops accepting, finishes in-flight
 * commits, integrates and signs a final checkpoint, then closes the database.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { formatVerifierKey, parsePolicy, verifierKeyOf, type Policy, type VerifierKey } from '@hotline/log';
import { WebSocketServer } from 'ws';
import type { RelayContext, RelayLimits } from './context.js';
import { deviceIsActive } from './directory.js';
import { RelayError, RelayStartError } from './errors.js';
import { Fanout } from './fanout.js';
import { channelRoutes } from './http/channel-routes.js';
import { deviceRoutes } from './http/device-routes.js';
import { logRoutes } from './http/log-routes.js';
import { mailboxRoutes } from './http/mailbox-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { bearerToken, dispatcher } from './http/router.js';
import { loadOrCreateLogKey } from './log-key.js';
import { LogWriter } from './log-writer.js';
import { jsonLogger, type Logger } from './logger.js';
import { Metrics } from '@hotline/node-files/metrics';
import { RateLimiter } from './rate-limit.js';
import { Sequencer } from './sequencer.js';
import { Sessions } from './sessions.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type { RelayStore } from './storage/store.js';
import { WitnessCollector, type WitnessEndpoint } from './witnesses.js';

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: 320 * 1024,
  maxPending: 50_000,
  maxBatch: 4096,
  ratePerSecond: 200,
  burst: 2000,
  maxInFlightPerSocket: 4096,
  subscriberBufferBytes: 4 * 1024 * 1024,
  maxMailPerDevice: 1000,
  maxStreamRead: 1000,
};

export interface RelayOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The log's origin; fixed forever by the first start. */
  readonly origin?: string;
  /** Party roots whose device certificates this relay accepts. */
  readonly partyRoots: readonly VerifierKey[];
  readonly checkpointIntervalMs?: number;
  /** Witnesses to collect cosignatures from; by default the quorum is all of them. */
  readonly witnesses?: readonly { readonly url: string; readonly vkey: string }[];
  /** A tlog-policy whose witness lines carry URLs; replaces `witnesses` and its default quorum. */
  readonly witnessPolicy?: string;
  readonly witnessTimeoutMs?: number;
  /** How often the latest checkpoint is resubmitted so cosignature timestamps stay fresh. */
  readonly witnessRefreshMs?: number;
  readonly limits?: Partial<RelayLimits>;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export interface RunningRelay {
  readonly url: string;
  readonly port: number;
  readonly origin: string;
  readonly logVkey: string;
  readonly context: RelayContext;
  close(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const logger = options.logger ?? jsonLogger();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const { key, created } = loadOrCreateLogKey(options.dataDir, options.origin);
  const logVkey = formatVerifierKey(verifierKeyOf(key));
  const store = new SqliteStore(join(options.dataDir, 'relay.db'));
  try {
    refuseTruncatedLog(store);
  } catch (error) {
    store.close();
    throw error;
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const metrics = new Metrics();
  const count = {
    http: metrics.counter('hotline_http_requests', 'HTTP requests by route and status'),
    rejected: metrics.counter('hotline_rejected', 'requests and frames rejected, by error code'),
    sequenced: metrics.counter('hotline_sequenced', 'items durably sequenced, by kind'),
    delivered: metrics.counter('hotline_delivered', 'envelopes delivered to subscribers'),
  };
  const batches = metrics.counter('hotline_commit_batches', 'group-commit transactions');
  const witnessRequests = metrics.counter('hotline_witness_requests', 'add-checkpoint requests by witness and status');
  const witnesses = new WitnessCollector({
    store,
    ...witnessSetup(options, logVkey),
    timeoutMs: options.witnessTimeoutMs ?? 2000,
    refreshMs: options.witnessRefreshMs ?? 60_000,
    logger,
    count: (status, witness) => witnessRequests(1, { witness, status }),
    now,
  });
  const log = await LogWriter.start({
    databasePath: join(options.dataDir, 'relay.db'),
    key,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 250,
    onError: (message) => logger.log('error', 'log writer', { error: message }),
    onCheckpoint: (size, note) => witnesses.offer(size, note),
  });
  if (log.checkpoint !== undefined) witnesses.offer(log.checkpoint.size, log.checkpoint.note);
  const fanout = new Fanout();
  const sequencer = new Sequencer((items, receivedAt) => log.append(items, receivedAt), {
    maxPending: limits.maxPending,
    maxPendingBytes: 256 * 1024 * 1024,
    maxBatch: limits.maxBatch,
    now,
    onBatch: () => batches(),
    onCommitted: (committed) => fanout.publish(committed),
  });
  const partyRoots = new Map(options.partyRoots.map((root) => [root.name, root]));
  const ctx: RelayContext = {
    origin: key.name,
    logKey: key,
    logVkey,
    partyRoots,
    store,
    sequencer,
    log,
    witnesses,
    sessions: new Sessions({ origin: key.name, challengeTtlMs: 60_000, sessionTtlMs: 3_600_000, maxChallenges: 10_000, maxSessions: 100_000, now }),
    limiter: new RateLimiter(limits.ratePerSecond, limits.burst),
    metrics,
    count,
    fanout,
    logger,
    limits,
    now,
  };
  fanout.bind(ctx);
  metrics.gauge('hotline_log_size', 'entries sequenced into the log', () => log.size);
  metrics.gauge('hotline_checkpoint_size', 'tree size of the latest signed checkpoint', () => log.checkpoint?.size ?? 0);
  metrics.gauge('hotline_sequencer_pending', 'submissions waiting for the next group commit', () => sequencer.pending);
  metrics.gauge('hotline_websocket_connections', 'open WebSocket connections', () => fanout.connectionCount);

  const server = createServer(dispatcher([...logRoutes, ...deviceRoutes, ...channelRoutes, ...mailboxRoutes, ...opsRoutes], ctx));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  server.on('upgrade', (req, socket: Socket, head) => upgrade(ctx, wss, req, socket, head));
  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  logger.log('info', created ? 'relay started with a new log key' : 'relay started', { url, origin: key.name, logKey: logVkey, logSize: log.size });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      // Finish queued commits first, so their receipts still reach open sockets, then hang up.
      await sequencer.drain();
      fanout.closeAll(1001, 'relay shutting down');
      await log.close(); // integrates and signs a final checkpoint
      witnesses.stop();
      server.closeAllConnections();
      wss.close();
      store.close();
      logger.log('info', 'relay stopped', { logSize: log.size, checkpointSize: log.checkpoint?.size ?? 0 });
    })());
  return { url, port, origin: key.name, logVkey, context: ctx, close };
}

/**
 * A log shorter than its own signed checkpoint lost records the relay already vouched for
 * (rows deleted, or the file restored from an older copy). Starting would hand out those log
 * indexes again, to new records: a fork of the signed tree. Refuse and say so.
 */
function refuseTruncatedLog(store: RelayStore): void {
  const checkpoint = store.checkpoint();
  const logSize = store.logSize();
  if (checkpoint === undefined || logSize >= checkpoint.size) return;
  throw new RelayStartError(
    'log_truncated',
    `the log holds ${logSize} records but its own signed checkpoint covers ${checkpoint.size}: the database was truncated or restored from an older copy; refusing to start`,
    { logSize, checkpointSize: checkpoint.size },
  );
}

/** The witness endpoints and the policy judging their cosignatures. */
function witnessSetup(options: RelayOptions, logVkey: string): { policy: Policy; witnesses: WitnessEndpoint[] } {
  let text = options.witnessPolicy;
  if (text === undefined) {
    const configured = options.witnesses ?? [];
    const names = configured.map((_, i) => `w${i + 1}`);
    text = [
      `log ${logVkey}`,
      ...configured.map((w, i) => `witness ${names[i]} ${w.vkey} ${w.url}`),
      ...(configured.length === 0 ? ['quorum none'] : [`group all-witnesses all ${names.join(' ')}`, 'quorum all-witnesses']),
    ].join('\n');
  }
  const policy = parsePolicy(text);
  if (!policy.ok) throw new Error(`witness policy: ${policy.error.message}`);
  const witnesses = policy.value.witnesses.map((w) => {
    if (w.url === undefined) throw new Error(`witness policy: witness ${w.name} has no URL to submit checkpoints to`);
    return { name: w.name, url: w.url.replace(/\/+$/, ''), verifier: w.verifier };
  });
  return { policy: policy.value, witnesses };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function rejectUpgrade(socket: Socket, error: RelayError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(`HTTP/1.1 ${error.status} ${error.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function upgrade(ctx: RelayContext, wss: WebSocketServer, req: import('node:http').IncomingMessage, socket: Socket, head: Buffer): void {
  if (new URL(req.url ?? '/', 'http://relay.invalid').pathname !== '/v1/ws') {
    rejectUpgrade(socket, new RelayError(404, 'not_found', 'WebSocket endpoint is /v1/ws'));
    return;
  }
  const token = bearerToken(req);
  const session = token === undefined ? undefined : ctx.sessions.authenticate(token);
  if (session === undefined || !deviceIsActive(ctx, session.deviceKey)) {
    rejectUpgrade(socket, new RelayError(401, 'unauthorized', 'WebSocket needs "Authorization: Bearer <token>" of an active device'));
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => ctx.fanout.attach(ws, session.deviceKey, session.expiresAt));
}
