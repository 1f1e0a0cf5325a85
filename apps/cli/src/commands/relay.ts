/** `hotline relay` — runs a relay until SIGINT/SIGTERM, then shuts down gracefully. */
import { readFileSync } from 'node:fs';
import { parsePartyRoot } from '@hotline/protocol';
import { DEFAULT_LIMITS, jsonLogger, RelayStartError, startRelay } from '@hotline/relay';
import type { VerifierKey } from '@hotline/log';
import { systemClock } from '@hotline/node-files/clock';
import { integerFlag, parseArgs, UsageError } from '../args.js';
import { parseListen, serveUntilSignalled, startOrExplain } from '../listen.js';
import { CommandFailure } from '../session.js';

export const RELAY_HELP = `usage: hotline relay --data DIR [--listen HOST:PORT] [--party VKEY]... [options]

Runs a Hotline relay: it authenticates devices, sequences envelopes per channel, appends a
record of each to its transparency log, serves the log as C2SP tiles with signed checkpoints,
and fans envelopes out over WebSocket. The relay is untrusted: it never sees plaintext, and
terminals verify everything it says.

On first start the relay creates DIR (mode 0700), a log key in DIR/log.key (mode 0600) and a
SQLite database; it prints its URL and log key (a C2SP vkey, give it to every party) and then
logs JSON lines to stderr.

Options:
  --data DIR               state directory (required)
  --listen HOST:PORT       address to listen on (default 127.0.0.1:4780; port 0 = any free)
  --party VKEY             trust device certificates signed by this party root (repeatable)
  --party-file FILE        read party root vkeys from FILE, one per line (# comments allowed)
  --origin NAME            the log's origin on first start (default relay.hotline.invalid/<random>)
  --checkpoint-ms N        sign a checkpoint at most every N ms while the log grows (default 250)
  --witness URL=VKEY       ask this witness to cosign every checkpoint (repeatable); by default
                           a checkpoint reaches quorum when every witness has cosigned it
  --witness-policy FILE    a c2sp.org/tlog-policy file instead: witness lines must carry URLs
  --rate N                 per-device envelopes per second (default ${DEFAULT_LIMITS.ratePerSecond})
  --burst N                per-device burst (default ${DEFAULT_LIMITS.burst})
  --json                   print the start-up line as JSON ({"url","origin","logKey"})
  --help                   this text

Stops cleanly on SIGINT, SIGTERM or SIGHUP (also while starting): in-flight envelopes are
committed and a final checkpoint is signed, then it exits 0.`;

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
    if (error instanceof RelayStartError) throw new CommandFailure(`cannot start the relay: ${error.message}`);
    return startOrExplain('relay', () => Promise.reject(error));
  }
}

export async function runRelay(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['data', 'listen', 'origin', 'checkpoint-ms', 'rate', 'burst', 'party-file', 'witness-policy'], repeatable: ['party', 'witness'], booleans: ['json'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const dataDir = args.values.get('data');
  if (dataDir === undefined) throw new UsageError('--data DIR is required');
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
  return serveUntilSignalled(() => startOrFail(() => startRelay({
    dataDir,
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
    logger: jsonLogger(),
    now: systemClock(),
  })), (relay) => {
    if (args.booleans.has('json')) print(JSON.stringify({ url: relay.url, origin: relay.origin, logKey: relay.logVkey }));
    else print(`relay listening on ${relay.url}\nlog key: ${relay.logVkey}\ntrusted parties: ${vkeys.length === 0 ? 'none (no device can register)' : vkeys.map((v) => v.split('+')[0]).join(', ')}`);
  });
}
