/**
 * Starting and stopping a relay: opens storage, loads the access snapshot, starts integration,
 * the sequencer, sessions, fan-out and the HTTP/WebSocket server, handing each module only the
 * dependencies it names (no shared context: the log key reaches integration and nothing else).
 * `close()` is graceful: it stops accepting, finishes in-flight commits, integrates and signs a
 * final checkpoint, then closes storage.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatVerifierKey, noteVerifier, parseCheckpoint, parsePolicy, verifierKeyOf, verifyNote, type Policy, type SignerKey, type VerifierKey } from '@hotline/log';
import { WebSocketServer } from 'ws';
import { ClusterNode } from './cluster/cluster-node.js';
import { registerDevice, revokeDevice, type DirectoryDeps } from './directory.js';
import { RelayError, RelayStartError } from './errors.js';
import { Fanout } from './fanout.js';
import { channelRoutes } from './http/channel-routes.js';
import { deviceRoutes } from './http/device-routes.js';
import { logRoutes } from './http/log-routes.js';
import { mailboxRoutes } from './http/mailbox-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { bearerToken, dispatcher } from './http/router.js';
import type { RelayLimits } from './limits.js';
import { loadOrCreateLogKey } from './log-key.js';
import { jsonLogger, type Logger } from './logger.js';
import { Metrics } from '@hotline/node-files/metrics';
import { RateLimiter } from './rate-limit.js';
import { Sequencer } from './sequencer.js';
import { Sessions } from './sessions.js';
import { AccessSnapshot } from './storage/access.js';
import type { Integration, RelayStorage } from './storage/interfaces.js';
import { dataDirStorage, openStorage, redact } from './storage/open.js';
import { isRefusal, sizeAfter, type Placement, type SequenceItem, type StoredCheckpoint } from './storage/records.js';
import { submitEnvelope, type SubmissionDeps } from './submissions.js';
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
  /** Holds the log key (log.key); and the SQLite database, unless `store` names another. */
  readonly dataDir: string;
  /** Storage URL (storage/open.ts): `sqlite:PATH` or `postgres://…`; default `sqlite:DIR/relay.db`. */
  readonly store?: string;
  /**
   * NATS server(s) for announcements between relay nodes sharing a PostgreSQL store
   * (cluster/announcer.ts); without it, or while it is unreachable, nodes poll the database.
   */
  readonly nats?: string;
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

/** How far the log has come: for health, metrics, tests. */
export interface LogStatus {
  /** Entries durably sequenced. */
  readonly size: number;
  /** The latest signed checkpoint. */
  readonly checkpoint: StoredCheckpoint | undefined;
}

export interface RunningRelay {
  readonly url: string;
  readonly port: number;
  readonly origin: string;
  readonly logVkey: string;
  readonly log: LogStatus;
  /** The relay's storage, for tests that look beneath the API (closed by `close`). */
  readonly storage: RelayStorage;
  close(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const logger = options.logger ?? jsonLogger();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const { key, created } = loadOrCreateLogKey(options.dataDir, options.origin);
  const logVkey = formatVerifierKey(verifierKeyOf(key));
  const storage = await openStorage(options.store ?? dataDirStorage(options.dataDir), { onError: (message) => logger.log('error', 'storage', { error: message }) });
  let logSize: number;
  let access: AccessSnapshot;
  let followFrom: { logSize: number; accessRevision: number } | undefined;
  const now = options.now ?? Date.now;
  try {
    if (options.nats !== undefined && storage.cluster === undefined) throw new Error('NATS announcements are for several relays on one PostgreSQL database; this store is owned by one relay');
    // Read before the snapshot: whatever other nodes commit while it loads is followed after.
    followFrom = await storage.cluster?.watermarks();
    await refuseForeignCheckpoint(storage, key);
    logSize = await refuseTruncatedLog(storage);
    access = await AccessSnapshot.load(storage.directory, storage.channels, now);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
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
    tiles: storage.tree,
    stored: () => storage.tree.checkpoint(),
    ...witnessSetup(options, logVkey),
    timeoutMs: options.witnessTimeoutMs ?? 2000,
    refreshMs: options.witnessRefreshMs ?? 60_000,
    logger,
    count: (status, witness) => witnessRequests(1, { witness, status }),
    now,
  });
  let integration: Integration;
  try {
    integration = await storage.startIntegration({
      key,
      intervalMs: options.checkpointIntervalMs ?? 250,
      onError: (message) => logger.log('error', 'log writer', { error: message }),
      onCheckpoint: (size, note) => witnesses.offer(size, note),
    });
  } catch (error) {
    witnesses.stop();
    await storage.close();
    throw error;
  }
  if (integration.checkpoint !== undefined) witnesses.offer(integration.checkpoint.size, integration.checkpoint.note);
  // Set once everything it tells is wired (below); only requests reach it, after listen.
  let cluster: ClusterNode | undefined;
  const sessions = new Sessions({ origin: key.name, challengeTtlMs: 60_000, sessionTtlMs: 3_600_000, maxChallenges: 10_000, maxSessions: 100_000, now });
  const sequencer = new Sequencer(
    async (items, receivedAt) => {
      const placed = await storage.sequencing.appendBatch(items, receivedAt);
      const size = sizeAfter(placed);
      const first = firstNewIndex(placed);
      if (first !== undefined) cluster?.committed(first, size);
      if (size > logSize) {
        logSize = size;
        integration.notify(size);
      }
      return placed;
    },
    {
      maxPending: limits.maxPending,
      maxPendingBytes: 256 * 1024 * 1024,
      maxBatch: limits.maxBatch,
      now,
      onBatch: () => batches(),
      // Before any submitter hears back: the snapshot learns of new and revoked devices first.
      onCommitted: (committed) => {
        for (const { item } of committed) applyDirectory(access, item);
        fanout.publish(committed);
      },
    },
  );
  const submission: SubmissionDeps = { access, limiter: new RateLimiter(limits.ratePerSecond, limits.burst), sequencer, countSequenced: count.sequenced };
  const submit = (deviceKey: Uint8Array, envelope: Uint8Array, channelId?: Uint8Array) => submitEnvelope(submission, deviceKey, envelope, channelId);
  const fanout: Fanout = new Fanout({ access, log: storage.log, submit, limits, count, logger, now });
  const partyRoots = new Map(options.partyRoots.map((root) => [root.name, root]));
  const directory: DirectoryDeps = {
    partyRoots,
    directory: storage.directory,
    access,
    sequencer,
    endDevice: (deviceKey, reason) => {
      sessions.endDevice(deviceKey);
      fanout.disconnectDevice(deviceKey, reason);
    },
    countSequenced: count.sequenced,
    now,
  };
  metrics.gauge('hotline_log_size', 'entries sequenced into the log', () => logSize);
  metrics.gauge('hotline_checkpoint_size', 'tree size of the latest signed checkpoint', () => integration.checkpoint?.size ?? 0);
  metrics.gauge('hotline_sequencer_pending', 'submissions waiting for the next group commit', () => sequencer.pending);
  metrics.gauge('hotline_websocket_connections', 'open WebSocket connections', () => fanout.connectionCount);

  const routes = [
    ...logRoutes({ witnesses, tree: storage.tree, log: storage.log }),
    ...deviceRoutes({ register: (b) => registerDevice(directory, b), revoke: (b) => revokeDevice(directory, b), directory: storage.directory, access, sessions, origin: key.name, logger }),
    ...channelRoutes({
      channels: storage.channels,
      access,
      log: storage.log,
      submit,
      membershipChanged: (id) => {
        fanout.membershipChanged(id);
        cluster?.accessChanged();
      },
      maxStreamRead: limits.maxStreamRead,
    }),
    ...mailboxRoutes({ mailboxes: storage.mailboxes, access, maxMailPerDevice: limits.maxMailPerDevice, now }),
    ...opsRoutes({
      status: () => ({
        healthy: storage.sequencing.healthy,
        logSize,
        checkpointSize: integration.checkpoint?.size ?? 0,
        pending: sequencer.pending,
        connections: fanout.connectionCount,
        ...(cluster === undefined ? {} : { cluster: cluster.status }),
      }),
      metrics,
      identity: { origin: key.name, logKey: logVkey, parties: [...partyRoots.keys()] },
    }),
  ];
  if (storage.cluster !== undefined && followFrom !== undefined) {
    const clusterCount = metrics.counter('hotline_cluster', "passes reading other nodes' commits, by cause; announcements sent and heard");
    cluster = ClusterNode.start({
      feed: storage.cluster,
      from: followFrom,
      log: storage.log,
      directory: storage.directory,
      access,
      logGrew: (size) => {
        if (size > logSize) logSize = size;
        integration.notify(size);
      },
      streamGrew: (tag, seq) => fanout.streamGrew(tag, seq),
      deviceChanged: (row) => {
        if (row.revokedAt !== undefined && row.revokedAt * 1000 <= now()) directory.endDevice(row.key, 'device revoked');
      },
      membershipChanged: (id) => fanout.membershipChanged(id),
      nats: options.nats,
      logKey: logVkey,
      logger,
      count: (labels) => clusterCount(1, labels),
    });
  }
  const server = createServer(dispatcher(routes, { sessions, access, maxBodyBytes: limits.maxBodyBytes, logger, count }));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  server.on('upgrade', (req, socket: Socket, head) => upgrade({ sessions, access, fanout }, wss, req, socket, head));
  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  logger.log('info', created ? 'relay started with a new log key' : 'relay started', { url, origin: key.name, logKey: logVkey, logSize, store: redact(storage.description) });

  const log: LogStatus = {
    get size() {
      return logSize;
    },
    get checkpoint() {
      return integration.checkpoint;
    },
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      // Finish queued commits first, so their receipts still reach open sockets, then hang up.
      await sequencer.drain();
      fanout.closeAll(1001, 'relay shutting down');
      await cluster?.close();
      await integration.close(); // integrates and signs a final checkpoint
      witnesses.stop();
      server.closeAllConnections();
      wss.close();
      await storage.close();
      logger.log('info', 'relay stopped', { logSize, checkpointSize: integration.checkpoint?.size ?? 0 });
    })());
  return { url, port, origin: key.name, logVkey, log, storage, close };
}

/** The lowest log index a batch newly placed (duplicates and refusals placed nothing). */
function firstNewIndex(placements: readonly Placement[]): number | undefined {
  let first: number | undefined;
  for (const p of placements) if (!isRefusal(p) && !p.duplicate && (first === undefined || p.logIndex < first)) first = p.logIndex;
  return first;
}

/** A committed certificate or revocation, told to the access snapshot. */
function applyDirectory(access: AccessSnapshot, item: SequenceItem): void {
  if (item.directory !== undefined) access.applyDirectory(item.directory);
}

/**
 * The stored checkpoint must be this log's, signed by this key: a node started with another
 * DIR/log.key than the others on its database (or a data directory beside another's database)
 * would sign a second history over the same tiles. Refuse before anything is signed.
 */
async function refuseForeignCheckpoint(storage: RelayStorage, key: SignerKey): Promise<void> {
  const stored = await storage.tree.checkpoint();
  if (stored === undefined) return;
  const verified = verifyNote(stored.note, [noteVerifier(verifierKeyOf(key))]);
  const parsed = verified.ok ? parseCheckpoint(verified.value.text) : undefined;
  if (parsed?.ok === true && parsed.value.origin === key.name) return;
  throw new RelayStartError(
    'log_key_mismatch',
    `the stored checkpoint (size ${stored.size}) is not signed by this relay's log key ${key.name}: every relay on one database must use the same DIR/log.key (copy it from the first node); refusing to start`,
    { logSize: await storage.sequencing.logSize(), checkpointSize: stored.size },
  );
}

/**
 * A log shorter than its own signed checkpoint lost records the relay already vouched for
 * (rows deleted, or the file restored from an older copy). Starting would hand out those log
 * indexes again, to new records: a fork of the signed tree. Refuse and say so.
 */
async function refuseTruncatedLog(storage: RelayStorage): Promise<number> {
  const checkpoint = await storage.tree.checkpoint();
  const logSize = await storage.sequencing.logSize();
  if (checkpoint === undefined || logSize >= checkpoint.size) return logSize;
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

interface UpgradeDeps {
  readonly sessions: Pick<Sessions, 'authenticate'>;
  readonly access: Pick<AccessSnapshot, 'isActive'>;
  readonly fanout: Pick<Fanout, 'attach'>;
}

function upgrade(ctx: UpgradeDeps, wss: WebSocketServer, req: import('node:http').IncomingMessage, socket: Socket, head: Buffer): void {
  if (new URL(req.url ?? '/', 'http://relay.invalid').pathname !== '/v1/ws') {
    rejectUpgrade(socket, new RelayError(404, 'not_found', 'WebSocket endpoint is /v1/ws'));
    return;
  }
  const token = bearerToken(req);
  const session = token === undefined ? undefined : ctx.sessions.authenticate(token);
  if (session === undefined || !ctx.access.isActive(session.deviceKey)) {
    rejectUpgrade(socket, new RelayError(401, 'unauthorized', 'WebSocket needs "Authorization: Bearer <token>" of an active device'));
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => ctx.fanout.attach(ws, session.deviceKey, session.expiresAt));
}
