/** `hotline witness` — runs a party's witness until SIGINT/SIGTERM. */
import { mkdirSync } from 'node:fs';
import { formatVerifierKey, KeyType, parseVerifierKey, verifierKeyOf, type VerifierKey } from '@hotline/log';
import { loadOrCreateWitnessKey, startWitness } from '@hotline/witness';
import { seconds, systemClock } from '@hotline/node-files/clock';
import { parseCommand, UsageError, type CommandSpec } from '../args.js';
import { parseListen, serveUntilSignalled, startOrExplain } from '../listen.js';
import { LOG_FORMAT_OPTION, serverLogger } from '../log-format.js';

export const WITNESS: CommandSpec = {
  command: 'witness',
  summary: "run a party's witness: cosigns consistent checkpoints only",
  description: `Runs a transparency-log witness (c2sp.org/tlog-witness). A witness cosigns a relay's checkpoint
only if it is consistent with the last one it cosigned, so a relay cannot show one history to
one party and another to another, or rewrite history, without every party noticing. Each party
runs its own.

On first start it creates DIR (0700) and its cosigning key in DIR/witness.key (0600), and
prints its vkey: give it to the relay (--witness URL=VKEY) and to every party's policy.
--print-key creates DIR and the key (if they do not exist yet), prints the vkey alone and exits
without serving (no --log needed), so the relay and the policy can name the witness before it
first starts.`,
  options: [
    { name: 'data', type: 'string', placeholder: 'DIR', required: true, description: 'state directory' },
    { name: 'log', type: 'string', multiple: true, placeholder: 'VKEY', description: "a relay log key to witness, from 'hotline relay' output (required to serve)" },
    { name: 'listen', type: 'string', placeholder: 'HOST:PORT', default: '127.0.0.1:4790', description: 'address (port 0 = any free)' },
    { name: 'name', type: 'string', placeholder: 'NAME', description: "the witness's key name on first start (default witness.hotline.invalid/<random>)" },
    { name: 'json', type: 'boolean', description: 'print the start-up line as JSON ({"url","name","vkey"})' },
    { name: 'print-key', type: 'boolean', description: 'create the cosigning key if needed, print its vkey (with --json: {"name","vkey"}) and exit without serving' },
    LOG_FORMAT_OPTION,
  ],
  footer: `Endpoints: POST /add-checkpoint, GET /<sha256(origin) hex>/checkpoint.
Stops cleanly on SIGINT, SIGTERM or SIGHUP, and exits 0.`,
};

function logKeys(vkeys: readonly string[]): VerifierKey[] {
  return vkeys.map((vkey) => {
    const key = parseVerifierKey(vkey);
    if (!key.ok) throw new UsageError(`--log ${JSON.stringify(vkey.slice(0, 60))}: ${key.error.message}`);
    if (key.value.type !== KeyType.ed25519) throw new UsageError('--log takes a log key (signature type 0x01), not a witness key');
    return key.value;
  });
}

/** --print-key: the key the witness will cosign with, created as its first start would (0700 DIR, 0600 key). */
function printWitnessKey(dataDir: string, name: string | undefined, json: boolean, print: (line: string) => void): number {
  let key;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    key = loadOrCreateWitnessKey(dataDir, name);
  } catch (error) {
    throw new UsageError(`cannot create or read the witness key in ${dataDir}: ${(error as Error).message}`);
  }
  const vkey = formatVerifierKey(verifierKeyOf(key));
  print(json ? JSON.stringify({ name: key.name, vkey }) : vkey);
  return 0;
}

export async function runWitness(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseCommand(argv, WITNESS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const dataDir = args.values.get('data')!; // required by the table
  const name = args.values.get('name');
  if (args.booleans.has('print-key')) return printWitnessKey(dataDir, name, args.booleans.has('json'), print);
  const { host, port } = parseListen(args.values.get('listen') ?? '127.0.0.1:4790');
  // Required to serve, not to --print-key: the table cannot say "unless", so it is checked here, in the table's words.
  if ((args.repeated.get('log') ?? []).length === 0) throw new UsageError('at least one --log VKEY is required');
  const logs = logKeys(args.repeated.get('log') ?? []);
  const logger = serverLogger(args);
  return serveUntilSignalled(() => startOrExplain('witness', () => startWitness({ dataDir, host, port, logs, now: seconds(systemClock()), onRequest: (status) => logger.log(status >= 500 ? 'error' : 'info', 'add-checkpoint', { status }), ...(name === undefined ? {} : { name }) })), (witness) => {
    if (args.booleans.has('json')) print(JSON.stringify({ url: witness.url, name: witness.name, vkey: witness.vkey }));
    else print(`witness listening on ${witness.url}\nwitness key: ${witness.vkey}`);
  });
}
