/**
 * c2sp.org/tlog-checkpoint v1.0.0 note text:
 *
 *   <origin>\n<tree size, decimal, no leading zeros>\n<base64 root hash>\n[<extension line>\n]*
 */
import { fromBase64, toBase64 } from './base64.js';
import { parseSafeDecimal } from './bytes.js';
import { HASH_SIZE } from './hash.js';
import { checkNoteText } from './note.js';
import { fail, ok, type Result } from './result.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec; we never emit them). */
  readonly extensions: readonly string[];
}

export function parseCheckpoint(text: string): Result<Checkpoint> {
  const bad = (why: string) => fail<Checkpoint>('malformed_checkpoint', `checkpoint: ${why}`);
  const check = checkNoteText(text);
  if (!check.ok) return bad(check.error.message);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return bad('needs origin, tree size and root hash lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) return bad('origin line is empty');
  const size = parseSafeDecimal(sizeLine);
  if (size === 'too_large') return fail('size_out_of_range', `checkpoint: tree size ${sizeLine} exceeds 2^53-1`);
  if (size === undefined) return bad('tree size must be a decimal number without leading zeros');
  const rootHash = fromBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) return bad('root hash must be the base64 of 32 bytes');
  if (extensions.some((line) => line.length === 0)) return bad('extension lines must not be empty');
  return ok({ origin, size, rootHash, extensions });
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (checkpoint.origin.length === 0 || checkpoint.origin.includes('\n')) throw new TypeError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) throw new RangeError(`tree size must be a non-negative safe integer, got ${checkpoint.size}`);
  if (checkpoint.rootHash.length !== HASH_SIZE) throw new RangeError(`root hash must be ${HASH_SIZE} bytes`);
  const extensions = checkpoint.extensions.map((line) => {
    if (line.length === 0 || line.includes('\n')) throw new TypeError('extension lines must be single non-empty lines');
    return `${line}\n`;
  });
  return `${checkpoint.origin}\n${checkpoint.size}\n${toBase64(checkpoint.rootHash)}\n${extensions.join('')}`;
}
