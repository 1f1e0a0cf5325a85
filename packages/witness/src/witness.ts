/**
 * A witness service: `POST /add-checkpoint` (c2sp.org/tlog-witness) and the monitoring
 * endpoint `GET /<hex SHA-256 of origin>/checkpoint`. Its cosigning key (type 0x04) is
 * generated on first start in `<data>/witness.key` (0600) and never leaves that file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  cosigner,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  KeyType,
  noteVerifier,
  parseSignerKey,
  verifierKeyOf,
  type NoteVerifier,
  type SignerKey,
  type VerifierKey,
} from '@hotline/log';
import { addCheckpoint, type WitnessResponse } from './add-checkpoint.js';
import { WitnessStore } from './witness-store.js';
import { readSecretFile, writeSecretFile } from '@hotline/node-files';
import { Metrics } from '@hotline/node-files/metrics';

export const WITNESS_KEY_FILE = 'witness.key';
const MAX_BODY = 64 * 1024;

export interface WitnessOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Key name on first start (default witness.hotline.invalid/<random>). */
  readonly name?: string;
  /** Log keys (type 0x01) this witness cosigns for; the key name is the log's origin. */
  readonly logs: readonly VerifierKey[];
  /** POSIX seconds for cosignature timestamps (tests). */
  readonly now?: () => number;
  readonly onRequest?: (status: number, origin: string | undefined) => void;
}

export interface RunningWitness {
  readonly url: string;
  readonly port: number;
  readonly vkey: string;
  readonly name: string;
  close(): Promise<void>;
}

/** The witness's cosigning key in `<data>/witness.key`, generated on first use; the data directory must exist. */
export function loadOrCreateWitnessKey(dataDir: string, name: string | undefined): SignerKey {
  const path = join(dataDir, WITNESS_KEY_FILE);
  const text = readSecretFile(path)?.trim();
  if (text === undefined) {
    const key = generateSignerKey(name ?? `witness.hotline.invalid/${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')}`, KeyType.cosignatureV1);
    writeSecretFile(path, `${formatSignerKey(key)}\n`);
    return key;
  }
  const key = parseSignerKey(text);
  if (!key.ok) throw new Error(`${path}: ${key.error.message}`);
  if (key.value.type !== KeyType.cosignatureV1) throw new Error(`${path} is not a cosignature/v1 key`);
  if (name !== undefined && key.value.name !== name) throw new Error(`this witness is ${key.value.name}; it cannot become ${name}`);
  return key.value;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c); // beyond the limit: keep draining, keep nothing
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, r: WitnessResponse): void {
  res.writeHead(r.status, { 'content-type': r.contentType });
  res.end(r.body);
}

/** `GET /healthz`: up, and the size it last cosigned for each log (no key material, no notes). */
function health(store: WitnessStore, origins: readonly string[]): { status: 'ok'; logs: { origin: string; size: number | null }[] } {
  return { status: 'ok', logs: origins.map((origin) => ({ origin, size: store.latest(origin)?.size ?? null })) };
}

export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = loadOrCreateWitnessKey(options.dataDir, options.name);
  const store = new WitnessStore(join(options.dataDir, 'witness.db'));
  const logs = new Map<string, NoteVerifier[]>();
  for (const log of options.logs) {
    if (log.type !== KeyType.ed25519) throw new Error(`log key ${log.name} must be an Ed25519 note key (type 0x01)`);
    logs.set(log.name, [...(logs.get(log.name) ?? []), noteVerifier(log)]);
  }
  const identity = { cosigner: cosigner(key, options.now), logs };
  const metrics = new Metrics();
  const requests = metrics.counter('hotline_witness_add_checkpoint', 'add-checkpoint requests by status');
  metrics.gauge('hotline_witness_logs', 'logs this witness cosigns for', () => logs.size);
  const byOriginHash = new Map([...logs.keys()].map((origin) => [createHash('sha256').update(origin).digest('hex'), origin]));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://witness.invalid').pathname;
    if (req.method === 'POST' && path === '/add-checkpoint') {
      void readBody(req).then((body) => {
        let response: WitnessResponse | { status: 500; body: string; contentType: string };
        try {
          response = body === undefined ? { status: 400, body: `body larger than ${MAX_BODY} bytes\n`, contentType: 'text/plain; charset=utf-8' } : addCheckpoint(body, identity, store);
        } catch (error) {
          // Storage failed (disk full, I/O error): nothing was cosigned; say so instead of dying.
          response = { status: 500, body: `witness storage error: ${(error as Error).message}\n`, contentType: 'text/plain; charset=utf-8' };
        }
        requests(1, { status: String(response.status) });
        options.onRequest?.(response.status, undefined);
        res.writeHead(response.status, { 'content-type': response.contentType });
        res.end(response.body);
      }, () => res.destroy());
      return;
    }
    if (req.method === 'GET' && (path === '/healthz' || path === '/metrics')) {
      req.resume();
      if (path === '/metrics') reply(res, { status: 200, body: metrics.render(), contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' } as WitnessResponse);
      else reply(res, { status: 200, body: `${JSON.stringify(health(store, [...logs.keys()]))}\n`, contentType: 'application/json' } as WitnessResponse);
      return;
    }
    const monitor = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
    if (req.method === 'GET' && monitor !== null) {
      const origin = byOriginHash.get(monitor[1]!);
      const latest = origin === undefined ? undefined : store.latest(origin);
      if (latest === undefined) reply(res, { status: 404, body: 'no checkpoint cosigned for that log\n', contentType: 'text/plain; charset=utf-8' });
      else reply(res, { status: 200, body: latest.note, contentType: 'text/plain; charset=utf-8' });
      return;
    }
    req.resume();
    reply(res, { status: 404, body: 'not found\n', contentType: 'text/plain; charset=utf-8' } as WitnessResponse);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    vkey: formatVerifierKey(verifierKeyOf(key)),
    name: key.name,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
