/** `hotline relay` — runs a relay until SIGINT/SIGTERM, then shuts down gracefully. */
import { mkdirSync, readFileSync } from 'node:fs';
import { formatVerifierKey, verifierKeyOf } from '@hotline/log';
import { parsePartyRoot } from '@hotline/protocol';
import { dataDirStorage, DEFAULT_LIMITS, loadOrCreateLogKey, parseStorageUrl, RelayStartError, startRelay, StorageUrlError } from '@hotline/relay';
import { LOG_FORMAT_OPTION, serverLogger } from '../log-format.js';
import type { VerifierKey } from '@hotline/log';
import { systemClock } from '@hotline/node-files/clock';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { parseListen, serveUntilSignalled, startOrExplain } from '../listen.js';
import { CliError } from '../failures.js';

export const RELAY: CommandSpec = {
  command: 'relay',
  summary: 'run a relay: sequencing, transparency log, tiles, checkpoints, fan-out',
  description: `Runs a Hotline relay: it authenticates devices, sequences envelopes per channel, appends a
record of each to its transparency log, serves the log as C2SP tiles with signed checkpoints,
and fans envelopes out over WebSocket. The relay is untrusted: it never sees plaintext, and
terminals verify everything it says.

On first start the relay creates DIR (mode 0700), a log key in DIR/log.key (mode 0600) and a
SQLite database, DIR/relay.db; it prints its URL and log key (a C2SP vkey, give it to every
party) and then logs JSON lines to stderr.

--store URL keeps the log, directory, channels and mailboxes elsewhere: sqlite:PATH is a SQLite
file at PATH (--data DIR alone means sqlite:DIR/relay.db); postgres://USER@HOST:PORT/DATABASE
is a PostgreSQL database (it must exist; the relay creates its tables). DIR still holds the
log key.

Several relays (nodes) may share one PostgreSQL database: one log, sequenced under the
database's row lock, checkpoints decided by compare-and-swap. Every node must sign with the
same log key: start the first, then copy its DIR/log.key (mode 0600) into each other node's
DIR before starting it. --nats nats://HOST:PORT lets nodes announce "the log grew" to each
other, so an envelope sent through one node reaches subscribers of another at once; without
--nats, or while NATS is unreachable, each node polls the database every 200 ms instead (every
1 s as a safety net while NATS is up). NATS never decides anything: a lost announcement only
delays delivery.

The witnesses need the log key before they start, and the relay needs their keys: --print-key
creates DIR and the log key (if they do not exist yet), prints the log key alone and exits
without serving, so the witnesses can be set up before the relay first starts.`,
  options: [
    { name: 'data', type: 'string', placeholder: 'DIR', required: true, description: 'state directory: the log key, and the database unless --store names another' },
    { name: 'store', type: 'string', placeholder: 'URL', description: 'where the log and its tables live: sqlite:PATH (default sqlite:DIR/relay.db) or postgres://…' },
    { name: 'nats', type: 'string', placeholder: 'URL', description: 'announce commits to the other nodes on the same postgres:// store over this NATS server (nats://HOST:PORT)' },
    { name: 'listen', type: 'string', placeholder: 'HOST:PORT', default: '127.0.0.1:4780', description: 'address to listen on (port 0 = any free)' },
    { name: 'party', type: 'string', multiple: true, placeholder: 'VKEY', description: 'trust device certificates signed by this party root' },
    { name: 'party-file', type: 'string', placeholder: 'FILE', description: 'read party root vkeys from FILE, one per line (# comments allowed)' },
    { name: 'origin', type: 'string', placeholder: 'NAME', description: "the log's origin on first start (default relay.hotline.invalid/<random>)" },
    { name: 'checkpoint-ms', type: 'string', placeholder: 'N', default: '250', description: 'sign a checkpoint at most every N ms while the log grows' },
    { name: 'witness', type: 'string', multiple: true, placeholder: 'URL=VKEY', description: 'ask this witness to cosign every checkpoint; by default a checkpoint reaches quorum when every witness has cosigned it' },
    { name: 'witness-policy', type: 'string', placeholder: 'FILE', description: 'a c2sp.org/tlog-policy file instead: witness lines must carry URLs' },
    { name: 'rate', type: 'string', placeholder: 'N', default: String(DEFAULT_LIMITS.ratePerSecond), description: 'per-device envelopes per second' },
    { name: 'burst', type: 'string', placeholder: 'N', default: String(DEFAULT_LIMITS.burst), description: 'per-device burst' },
    { name: 'json', type: 'boolean', description: 'print the start-up line as JSON ({"url","origin","logKey"})' },
    { name: 'print-key', type: 'boolean', description: 'create the log key if needed, print it (with --json: {"origin","logKey"}) and exit without serving' },
    LOG_FORMAT_OPTION,
  ],
  footer: `Stops cleanly on SIGINT, SIGTERM or SIGHUP (also while starting): in-flight envelopes are
committed and a final checkpoint is signed, then it exits 0.`,
};

function partyRoots(vkeys: readonly string[]): VerifierKey[] {
  return vkeys.map((vkey) => {
    const root = parsePartyRoot(vkey);
    if (!root.ok) throw new UsageError(`--party ${JSON.stringify(vkey.slice(0, 60))}: ${root.error.message}`);
    return root.value;
  });
}

function readPartyFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--party-file ${path}: ${(error as Error).message}`);
  }
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * As startOrExplain, except that a relay refusing its own data (a truncated log) is not a
 * usage mistake: it fails with exit 1 and the relay's one-line reason, like a verification
 * failure, and no stack trace.
 */
async function startOrFail<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof RelayStartError) throw new CliError('server_start_failed', `cannot start the relay: ${error.message}`);
    return startOrExplain('relay', () => Promise.reject(error));
  }
}

/** --store, checked before anything starts: a URL naming no usable backend is a usage mistake. */
function storageUrl(given: string | undefined, dataDir: string): string {
  if (given === undefined) return dataDirStorage(dataDir);
  try {
    parseStorageUrl(given);
  } catch (error) {
    if (error instanceof StorageUrlError) throw new UsageError(`--store: ${error.message}`);
    throw error;
  }
  return given;
}

/** --nats: a nats:// URL, and only beside a store several nodes share. */
function natsUrl(given: string | undefined, store: string): string | undefined {
  if (given === undefined) return undefined;
  if (parseStorageUrl(store).backend !== 'postgres') throw new UsageError('--nats is for several relays on one PostgreSQL store: give --store postgres://… as well');
  for (const server of given.split(',')) {
    let url: URL | undefined;
    try {
      url = new URL(server);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^(nats|tls):$/.test(url.protocol) || url.hostname === '') throw new UsageError(`--nats must be nats://HOST:PORT, got ${JSON.stringify(server.slice(0, 60))}`);
  }
  return given;
}

/** --print-key: the log key the relay will sign with, created as its first start would (0700 DIR, 0600 key). */
function printLogKey(dataDir: string, origin: string | undefined, json: boolean, print: (line: string) => void): number {
  let key;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    key = loadOrCreateLogKey(dataDir, origin).key;
  } catch (error) {
    throw new UsageError(`cannot create or read the log key in ${dataDir}: ${(error as Error).message}`);
  }
  const logKey = formatVerifierKey(verifierKeyOf(key));
  print(json ? JSON.stringify({ origin: key.name, logKey }) : logKey);
  return 0;
}

export async function runRelay(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseCommand(argv, RELAY);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const dataDir = args.values.get('data')!; // required by the table
  if (args.booleans.has('print-key')) return printLogKey(dataDir, args.values.get('origin'), args.booleans.has('json'), print);
  const store = storageUrl(args.values.get('store'), dataDir);
  const nats = natsUrl(args.values.get('nats'), store);
  const { host, port } = parseListen(args.values.get('listen') ?? '127.0.0.1:4780');
  const vkeys = [...(args.repeated.get('party') ?? [])];
  const partyFile = args.values.get('party-file');
  if (partyFile !== undefined) vkeys.push(...readPartyFile(partyFile));
  const origin = args.values.get('origin');
  const witnesses = (args.repeated.get('witness') ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 0 || !/^https?:\/\//.test(spec)) throw new UsageError(`--witness must be URL=VKEY, got ${JSON.stringify(spec.slice(0, 60))}`);
    return { url: spec.slice(0, eq), vkey: spec.slice(eq + 1) };
  });
  const policyFile = args.values.get('witness-policy');
  let witnessPolicy: string | undefined;
  if (policyFile !== undefined) {
    try {
      witnessPolicy = readFileSync(policyFile, 'utf8');
    } catch (error) {
      throw new UsageError(`--witness-policy ${policyFile}: ${(error as Error).message}`);
    }
  }
  const logger = serverLogger(args);
  return serveUntilSignalled(() => startOrFail(() => startRelay({
    dataDir,
    store,
    ...(nats === undefined ? {} : { nats }),
    host,
    port,
    ...(origin === undefined ? {} : { origin }),
    partyRoots: partyRoots(vkeys),
    witnesses,
    ...(witnessPolicy === undefined ? {} : { witnessPolicy }),
    checkpointIntervalMs: integerFlag(args, 'checkpoint-ms', 250, 1, 60_000),
    limits: {
      ratePerSecond: integerFlag(args, 'rate', DEFAULT_LIMITS.ratePerSecond, 1, 10_000_000),
      burst: integerFlag(args, 'burst', DEFAULT_LIMITS.burst, 1, 10_000_000),
    },
    logger,
    now: systemClock(),
  })), (relay) => {
    if (args.booleans.has('json')) print(JSON.stringify({ url: relay.url, origin: relay.origin, logKey: relay.logVkey }));
    else print(`relay listening on ${relay.url}\nlog key: ${relay.logVkey}\ntrusted parties: ${vkeys.length === 0 ? 'none (no device can register)' : vkeys.map((v) => v.split('+')[0]).join(', ')}`);
  });
}
