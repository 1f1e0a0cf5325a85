/**
 * `hotline verify FILE (--home DIR | --root VKEY… --policy FILE)` — checks a record bundle
 * fully offline (docs/spec/record.md): nothing is fetched, nothing is trusted but the roots and
 * the witness policy given. Prints the trust basis and the counts, or the first failing item.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { formatVerifierKey, fromBase64, parsePolicy, parseVerifierKey } from '@hotline/log';
import { decodeCharter } from '@hotline/protocol';
import { ed25519Pool } from '@hotline/node-files/ed25519-pool';
import { sharedEd25519Verifier } from '@hotline/node-files/ed25519-shared';
import { KeyStore, openRecordSource } from '@hotline/terminal';
import { verifyRecordBundle, type RecordFailure, type RecordSummary, type RecordTranscript, type RecordTrust } from '@hotline/verify';
import { integerFlag, parseCommand, UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { existingHome, HOME_OPTION } from '../home.js';
import { CliError, EXIT } from '../failures.js';
import type { CommandIo } from '../command-io.js';
import { checkRenderingFile, renderingLine } from '../record/rendering-report.js';
import { visibleText } from '../record/visible-text.js';

export const VERIFY: CommandSpec = {
  command: 'verify',
  operands: 'FILE',
  summary: 'check a record bundle offline against the parties\' roots and the witness policy; name the first thing wrong',
  description: `Verifies the record bundle FILE (hotline export) with nothing but what it is given to trust:
the parties' root keys and the witness policy — with --root VKEY (once per party) and --policy
FILE, or with --home DIR, whose pinned roots and whose charter of the bundle's channel (its
witness policy) are used. Nothing is fetched: no relay, no witness, no network.

The checks run in docs/spec/record.md's order — format, trust basis, checkpoints, proofs,
directory, records by index, statements by seq, rules — and the first failure is named with its
item and reason ("seq 4711: commitment mismatch"). Certificates are judged at each record's
place in the log and time, so a bundle still verifies after every device key was rotated.`,
  options: [
    { name: 'root', type: 'string', placeholder: 'VKEY', multiple: true, description: "a party's root key (name+keyid+base64, as hotline party export prints it); one per charter party" },
    { name: 'policy', type: 'string', placeholder: 'FILE', description: 'the witness policy (c2sp.org/tlog-policy) the checkpoints must meet; with --root' },
    { name: 'workers', type: 'string', placeholder: 'N', description: 'check the signatures on N threads (default: one per core); 1 checks them in this thread' },
    { name: 'rendering', type: 'string', placeholder: 'OUT', description: 'also check that OUT is this bundle\'s rendering (hotline render), byte for byte' },
    { name: 'json', type: 'boolean', description: 'print {"verified":true,"summary"} or {"verified":false,"failure":{"step","item","code","message"}}' },
    HOME_OPTION,
  ],
  footer: `Exit status: 0 the bundle verifies (and, with --rendering, OUT is its rendering); 1 it does
not (the first failing item is printed), or OUT is not its rendering; 2 bad usage or a file that
cannot be read.`,
};

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('unreadable_file', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The charter inside a bundle, if it can be read at all (to find the home's own copy of its channel's policy). */
function bundleChannelId(bytes: Uint8Array): Uint8Array | undefined {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { channel?: { charter?: unknown } };
    const text = doc.channel?.charter;
    const charter = typeof text === 'string' ? fromBase64(text) : undefined;
    const decoded = charter === undefined ? undefined : decodeCharter(charter);
    return decoded?.ok === true ? decoded.value.channelId : undefined;
  } catch {
    return undefined;
  }
}

/** The trust basis from --root and --policy. */
export function suppliedTrust(args: ParsedArgs, cwd: string): RecordTrust {
  const roots = args.repeated.get('root') ?? [];
  const policyFile = args.values.get('policy');
  if (policyFile === undefined) throw new UsageError('--root needs --policy FILE: the witness policy the checkpoints must meet');
  for (const r of roots) {
    const parsed = parseVerifierKey(r);
    if (!parsed.ok) throw new UsageError(`--root: ${parsed.error.message}`);
  }
  const policy = readText(resolve(cwd, policyFile), 'witness policy');
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new UsageError(`--policy ${policyFile}: ${parsed.error.message}`);
  return { roots, policy };
}

/** The trust basis a home holds: its pinned roots, and its charter of the bundle's channel (else its own policy). */
export function homeTrust(args: ParsedArgs, bundle: Uint8Array): RecordTrust {
  const home = existingHome(args);
  const keys = new KeyStore(home);
  const roots = keys.trusted().map((k) => formatVerifierKey(k));
  if (roots.length === 0) throw new CliError('not_set_up', `${home} has pinned no party roots (hotline party trust): it cannot vouch for any bundle`);
  const channelId = bundleChannelId(bundle);
  let policy: string | undefined;
  if (channelId !== undefined) {
    try {
      const source = openRecordSource(home);
      try {
        policy = source.charters.get(channelId)?.witnessPolicy;
      } finally {
        source.close();
      }
    } catch {
      policy = undefined; // no archive: the home's own policy below
    }
  }
  policy ??= keys.config()?.policy;
  if (policy === undefined) throw new CliError('not_set_up', `${home} holds no witness policy (${join(home, 'terminal.json')}) and no charter of the bundle's channel: pass --root and --policy instead`);
  return { roots, policy };
}

function shortRoot(vkey: string): string {
  const [name, keyId] = vkey.split('+');
  return `${name}+${keyId}…`;
}

/** "roots washington+…, moscow+…; witnesses A, B, 2 of 2; certificates valid at record time". */
function trustBasis(s: RecordSummary): string {
  const roots = s.roots.map((r) => shortRoot(r.vkey)).join(', ');
  const witnesses = s.witnesses.length === 0 ? 'no witnesses' : `witnesses ${s.witnesses.join(', ')}`;
  return `roots ${roots}; ${witnesses}, ${s.quorum}; certificates valid at record time`;
}

/** Each forward in the record with its origin's outcome, one line each (protocol.md §13.3). */
function forwardLines(transcript: RecordTranscript): string[] {
  return transcript.items.flatMap((i) => {
    const body = i.statement?.body;
    return body?.kind === 'forward' ? [`seq ${i.seq} forward: ${visibleText(body.line)}`] : [];
  });
}

/** The rules step's outcome: statements that break a hotline rule stay in the record, marked, as every terminal kept them. */
function rulesLine(transcript: RecordTranscript, s: RecordSummary): string {
  // The walk sees only revealed statements from seq A on (record.md §5.1): say so when that is not everything.
  const partial = s.from > 1 || s.withheld > 0 ? ` (judged over the revealed statements of seq ${s.from}..${s.to} only: a freeze or draft use that is withheld, or before seq ${s.from}, is not seen)` : '';
  const broken = transcript.items.filter((i) => (i.statement?.breaches.length ?? 0) > 0);
  if (broken.length === 0) return `hotline rules: every statement keeps them${partial}`;
  const listed = broken.slice(0, 5).map((i) => `seq ${i.seq} (${i.statement!.breaches.join(', ')})`).join(', ');
  return `hotline rules: ${broken.length} statement${broken.length === 1 ? '' : 's'} break${broken.length === 1 ? 's' : ''} one and count${broken.length === 1 ? 's' : ''} for nothing, as in every terminal: ${listed}${broken.length > 5 ? ', …' : ''}${partial}`;
}

function counts(s: RecordSummary): string {
  const said = s.statements + s.withheld;
  const withheld = s.withheld === 0 ? '0 withheld' : `${s.withheld} of ${said} withheld`;
  return `${said} statements, ${withheld}, seq ${s.from}..${s.to} complete${s.handshakes === 0 ? '' : `; ${s.handshakes} MLS handshake${s.handshakes === 1 ? '' : 's'}`}`;
}

/** What was supplied, named on a failure: the roots and the policy's witnesses and quorum. */
function suppliedBasis(trust: RecordTrust): string {
  const parsed = parsePolicy(trust.policy);
  const policy = parsed.ok ? `witnesses ${parsed.value.witnesses.map((w) => w.name).join(', ') || 'none'}, quorum ${parsed.value.quorum}` : 'an unreadable policy';
  return `roots ${trust.roots.map(shortRoot).join(', ')}; ${policy}`;
}

function failureLines(file: string, failure: RecordFailure, trust: RecordTrust): string {
  return `hotline: ${file} does NOT verify: ${failure.message}\n  first failure: step ${failure.step}, ${failure.item} (${failure.code})\n  trust basis supplied: ${suppliedBasis(trust)}`;
}

export async function runVerify(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseCommand(argv, VERIFY);
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('verify needs the bundle FILE (hotline export --out FILE)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const workers = integerFlag(args, 'workers', availableParallelism(), 1, 256);
  const offline = args.repeated.has('root');
  if (!offline && args.values.has('policy')) throw new UsageError('--policy goes with --root VKEY (one per party); or use --home DIR alone');
  if (offline && args.values.has('home')) throw new UsageError('give --root and --policy, or --home DIR: not both');
  const path = resolve(io.cwd, file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError('unreadable_file', `cannot read the bundle ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const trust = offline ? suppliedTrust(args, io.cwd) : homeTrust(args, bytes);
  let verdict;
  // One thread needs no pool: the verifier's default checks signatures in this thread.
  const pool = workers > 1 ? ed25519Pool(workers - 1) : undefined;
  try {
    verdict = await verifyRecordBundle(bytes, trust, pool === undefined ? {} : { verifySignatures: sharedEd25519Verifier(pool) });
  } catch (error) {
    // The verifier answers every bad bundle with a failure; anything thrown is its bug, named, never a stack trace.
    throw new CliError('record_invalid', `${file} could not be verified: the verifier failed (${error instanceof Error ? error.message : String(error)}); please report it`);
  } finally {
    await pool?.close();
  }
  const json = args.booleans.has('json');
  if (!verdict.ok) {
    if (json) io.print(JSON.stringify({ verified: false, failure: verdict.failure }));
    else io.printError(failureLines(file, verdict.failure, trust));
    return EXIT.alert;
  }
  const s = verdict.summary;
  const renderingFile = args.values.get('rendering');
  const rendering = renderingFile === undefined ? undefined : await checkRenderingFile(resolve(io.cwd, renderingFile), verdict, bytes);
  if (json) io.print(JSON.stringify({ verified: true, summary: s, ...(rendering === undefined ? {} : { rendering: { file: renderingFile, ...rendering } }) }));
  else {
    io.print(`verified ${file}: channel ${verdict.transcript.channel.name} (${verdict.transcript.channel.parties.join(', ')})`);
    io.print(`trust basis: ${trustBasis(s)}`);
    io.print(`${counts(s)}; proven under ${s.checkpoint.origin} at size ${s.checkpoint.size}`);
    io.print(rulesLine(verdict.transcript, s));
    for (const line of forwardLines(verdict.transcript)) io.print(line);
    if (rendering !== undefined) (rendering.ok ? io.print : io.printError)(renderingLine(renderingFile!, rendering));
  }
  return rendering?.ok === false ? EXIT.alert : EXIT.ok;
}
