/**
 * A record bundle read from a file and verified offline with what the caller was told to trust —
 * the parties' roots and the witness policy, from --root VKEY… --policy FILE or from a home's
 * pinned roots and policy (--home DIR). What `hotline render` starts from: only a bundle that
 * verifies is rendered, and one that does not is refused naming its first failure.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatVerifierKey, parsePolicy, parseVerifierKey } from '@hotline/log';
import { KeyStore } from '@hotline/terminal';
import { verifyRecordBundle, type RecordSummary, type RecordTranscript, type RecordTrust } from '@hotline/verify';
import { UsageError, type ParsedArgs } from '../args.js';
import { CliError } from '../failures.js';
import { existingHome } from '../home.js';

export interface VerifiedRecord {
  readonly bytes: Uint8Array;
  readonly transcript: RecordTranscript;
  readonly summary: RecordSummary;
}

export async function verifiedRecord(file: string, args: ParsedArgs, cwd: string): Promise<VerifiedRecord> {
  const bytes = readBytes(resolve(cwd, file), 'bundle');
  const trust = args.repeated.has('root') ? suppliedTrust(args, cwd) : homeTrust(args);
  const verdict = await verifyRecordBundle(bytes, trust);
  if (!verdict.ok) throw new CliError('record_invalid', `${file} does NOT verify: ${verdict.failure.message} (step ${verdict.failure.step}, ${verdict.failure.code})`);
  return { bytes, transcript: verdict.transcript, summary: verdict.summary };
}

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError('unreadable_file', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function suppliedTrust(args: ParsedArgs, cwd: string): RecordTrust {
  if (args.values.has('home')) throw new UsageError('give --root and --policy, or --home DIR: not both');
  const roots = args.repeated.get('root') ?? [];
  for (const root of roots) {
    const parsed = parseVerifierKey(root);
    if (!parsed.ok) throw new UsageError(`--root: ${parsed.error.message}`);
  }
  const policyFile = args.values.get('policy');
  if (policyFile === undefined) throw new UsageError('--root needs --policy FILE: the witness policy the checkpoints must meet');
  const policy = new TextDecoder().decode(readBytes(resolve(cwd, policyFile), 'witness policy'));
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new UsageError(`--policy ${policyFile}: ${parsed.error.message}`);
  return { roots, policy };
}

/** A home vouches with what it pinned: its trusted party roots and its witness policy. */
function homeTrust(args: ParsedArgs): RecordTrust {
  if (args.values.has('policy')) throw new UsageError('--policy goes with --root VKEY (one per party); or use --home DIR alone');
  const home = existingHome(args);
  const keys = new KeyStore(home);
  const roots = keys.trusted().map((k) => formatVerifierKey(k));
  if (roots.length === 0) throw new CliError('not_set_up', `${home} has pinned no party roots (hotline party trust): it cannot vouch for any bundle`);
  const policy = keys.config()?.policy;
  if (policy === undefined) throw new CliError('not_set_up', `${home} holds no witness policy (terminal.json): pass --root and --policy instead`);
  return { roots, policy };
}
