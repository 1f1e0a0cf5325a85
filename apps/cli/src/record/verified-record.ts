/**
 * A record bundle read from a file and verified offline with what the caller was told to trust —
 * the parties' roots and the witness policy, from --root VKEY… --policy FILE or from a home's
 * pinned roots and its charter's witness policy (--home DIR), as hotline verify does. What `hotline render` starts from: only a bundle that
 * verifies is rendered, and one that does not is refused naming its first failure.
 */
import { resolve } from 'node:path';
import { verifyRecordBundle, type RecordSummary, type RecordTranscript } from '@hotline/verify';
import { UsageError, type ParsedArgs } from '../args.js';
import { homeTrust, suppliedTrust } from '../commands/verify.js';
import { CliError } from '../failures.js';
import { readBytes } from './read-file.js';

export interface VerifiedRecord {
  readonly bytes: Uint8Array;
  readonly transcript: RecordTranscript;
  readonly summary: RecordSummary;
}

export async function verifiedRecord(file: string, args: ParsedArgs, cwd: string): Promise<VerifiedRecord> {
  const bytes = readBytes(resolve(cwd, file), 'bundle');
  const offline = args.repeated.has('root');
  if (!offline && args.values.has('policy')) throw new UsageError('--policy goes with --root VKEY (one per party); or use --home DIR alone');
  if (offline && args.values.has('home')) throw new UsageError('give --root and --policy, or --home DIR: not both');
  // The same trust basis hotline verify uses: --root/--policy, or a home's pinned roots and its charter's policy.
  const trust = offline ? suppliedTrust(args, cwd) : homeTrust(args, bytes);
  const verdict = await verifyRecordBundle(bytes, trust);
  if (!verdict.ok) throw new CliError('record_invalid', `${file} does NOT verify: ${verdict.failure.message} (step ${verdict.failure.step}, ${verdict.failure.code})`);
  return { bytes, transcript: verdict.transcript, summary: verdict.summary };
}
