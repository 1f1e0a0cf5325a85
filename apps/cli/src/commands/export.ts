/**
 * `hotline export CHANNEL [--seq A..B | --since T --until T] [--withhold ID]… --out FILE` — a
 * channel's record bundle (docs/spec/record.md) from this home's archive alone, no relay.
 *
 * Runs in its own process, never forwarded to the running terminal: it only reads the archive —
 * no MLS state, no device key (so no passphrase) — and SQLite's WAL lets it read one consistent
 * state in one read transaction while the service goes on writing. Forwarding it would only
 * stall the service's event loop on a large export.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { gatherRecord, openRecordSource, type ExportRange } from '@hotline/terminal';
import { encodeRecordBundle } from '@hotline/verify';
import { parseCommand, UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { existingHome, HOME_OPTION } from '../home.js';
import { CliError, EXIT } from '../failures.js';
import type { CommandIo } from '../command-io.js';

export const EXPORT: CommandSpec = {
  command: 'export',
  operands: 'CHANNEL',
  summary: "a channel's record bundle, verifiable offline by anyone holding the parties' roots and the witness policy",
  description: `Writes the record of CHANNEL (its name or a prefix of its id) as one bundle
(docs/spec/record.md): the charter, every log record of the seq range, each statement signed
by its author (or only its commitment, for --withhold), each party's directory stream, the
cosigned checkpoints and one batched inclusion proof. From this home's archive alone: the relay
and the witnesses need not be reachable. Check it anywhere with hotline verify FILE.

The range is every seq this terminal verified unless --seq A..B or --since/--until (the relay's
receive times, ISO 8601 such as 2026-12-02T14:00:00Z, or ms since the epoch) narrow it; the
bundle proves the range complete either way. A withheld statement keeps its place: the bundle
shows that something was said at that seq, not what.

The file holds plaintext: it is created 0600, and an existing file is not replaced without
--force. Progress goes to standard error on a large channel.`,
  options: [
    { name: 'out', type: 'string', placeholder: 'FILE', required: true, description: 'where to write the bundle' },
    { name: 'seq', type: 'string', placeholder: 'A..B', description: 'only seqs A to B (inclusive)' },
    { name: 'since', type: 'string', placeholder: 'T', description: 'only what the relay received at or after T (with --until)' },
    { name: 'until', type: 'string', placeholder: 'T', description: 'only what the relay received at or before T (with --since)' },
    { name: 'withhold', type: 'string', placeholder: 'ID', multiple: true, description: 'carry this statement (id or unique prefix of 8+ hex digits; repeat, or separate by commas) as its commitment only' },
    { name: 'force', type: 'boolean', description: 'replace FILE if it exists' },
    { name: 'json', type: 'boolean', description: 'print {"file","sha256","bytes","channel","from","to","statements","withheld","handshakes","checkpoint"}' },
    HOME_OPTION,
  ],
  footer: `Exit status: 0 written; 1 the archive lacks what the bundle needs (record_incomplete: a home
older than record export, or one that has not scanned the log that far: let it sync, then export
again); 2 bad usage, an empty or bad range, or FILE exists.`,
};

/** A time on the command line: ISO 8601 with a zone, or ms since the epoch. */
function timeFlag(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  if (/^[0-9]{1,16}$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 time with a zone (2026-12-02T14:00:00Z) or ms since the epoch, got ${JSON.stringify(text)}`);
  return ms;
}

function rangeOf(args: ParsedArgs): ExportRange | undefined {
  const seq = args.values.get('seq');
  const since = timeFlag(args, 'since');
  const until = timeFlag(args, 'until');
  if (seq !== undefined && (since !== undefined || until !== undefined)) throw new UsageError('--seq and --since/--until both choose the range: give one');
  if (seq !== undefined) {
    const m = /^([0-9]{1,15})\.\.([0-9]{1,15})$/.exec(seq);
    if (m === null) throw new UsageError(`--seq must be A..B, two seqs such as 1..200, got ${JSON.stringify(seq)}`);
    return { from: Number(m[1]), to: Number(m[2]) };
  }
  if ((since === undefined) !== (until === undefined)) throw new UsageError('--since and --until go together');
  return since === undefined ? undefined : { since, until: until! };
}

/**
 * Writes `bytes` to `path`, 0600, in full or not at all: into a new file beside it, synced, then
 * linked into place (which fails if `path` exists) or, with --force, renamed over it.
 */
function writeBundle(path: string, bytes: Uint8Array, force: boolean): void {
  const temp = `${path}.${process.pid}.partial`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (error) {
    throw new CliError('unreadable_file', `cannot write ${path}: ${(error as Error).message}`);
  }
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (force) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError('file_exists', `${path} exists: choose another --out, or pass --force to replace it`);
    throw new CliError('unreadable_file', `cannot write ${path}: ${(error as Error).message}`);
  }
  if (!force) rmSync(temp, { force: true });
}

export async function runExport(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseCommand(argv, EXPORT);
  const [channel, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('export needs a CHANNEL (its name or a prefix of its id)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const range = rangeOf(args);
  const withhold = (args.repeated.get('withhold') ?? []).flatMap((w) => w.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  const out = resolve(io.cwd, args.values.get('out')!);
  const source = openRecordSource(existingHome(args));
  try {
    let shown = 0;
    const gathered = await source.snapshot(() =>
      gatherRecord(source, {
        channel,
        ...(range === undefined ? {} : { range }),
        withhold,
        onProgress: (done, total) => {
          if (total < 5000 || done - shown < 5000) return;
          shown = done;
          io.printError(`exporting ${done} of ${total} records…`);
        },
      }),
    );
    const bytes = encodeRecordBundle(gathered.input);
    writeBundle(out, bytes, args.booleans.has('force'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (gathered.unverified.length > 0) io.printError(`note: seq ${gathered.unverified.slice(0, 8).join(', ')}${gathered.unverified.length > 8 ? '…' : ''} carried no statement this terminal verified (an alert says why): exported withheld`);
    const summary = { file: out, sha256, bytes: bytes.length, channel: gathered.charter.name, from: gathered.from, to: gathered.to, statements: gathered.statements, withheld: gathered.withheld, handshakes: gathered.handshakes, checkpoint: gathered.checkpointSize };
    if (args.booleans.has('json')) io.print(JSON.stringify(summary));
    else {
      io.print(`exported ${gathered.charter.name} seq ${gathered.from}..${gathered.to}: ${gathered.statements} statements, ${gathered.withheld} withheld, ${gathered.handshakes} MLS handshakes, proven under the checkpoint of size ${gathered.checkpointSize}`);
      io.print(`wrote ${out} (${bytes.length} bytes, sha256 ${sha256}); it holds plaintext (mode 0600)`);
      io.print(`verify it offline: hotline verify ${out} --root VKEY --root VKEY --policy FILE   (or --home DIR)`);
    }
    return EXIT.ok;
  } finally {
    source.close();
  }
}
