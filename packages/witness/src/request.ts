/**
 * The add-checkpoint request body (c2sp.org/tlog-witness):
 *
 *   old <size>\n  (<base64 hash>\n){0,63}  \n  <signed checkpoint>
 */
import { fromBase64, HASH_SIZE, parseNote, toBase64, type Note } from '@hotline/log';

export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpointText: string;
  readonly note: Note;
}

/** Undefined `error` means the body is well formed. */
export function parseAddCheckpoint(body: string): { request?: AddCheckpointRequest; error?: string } {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return { error: 'body needs an old-size line, proof lines, an empty line and a checkpoint' };
  const lines = body.slice(0, blank).split('\n');
  const checkpointText = body.slice(blank + 2);
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(lines[0] ?? '');
  if (old === null) return { error: 'first line must be "old <size>" with no leading zeros' };
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) return { error: 'old size exceeds 2^53 - 1' };
  const proofLines = lines.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) return { error: `more than ${MAX_PROOF_LINES} consistency proof lines` };
  const proof: Uint8Array[] = [];
  for (const line of proofLines) {
    const hash = fromBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) return { error: 'each proof line must be the base64 of a 32-byte hash' };
    proof.push(hash);
  }
  const note = parseNote(checkpointText);
  if (!note.ok) return { error: `checkpoint: ${note.error.message}` };
  return { request: { oldSize, proof, checkpointText, note: note.value } };
}

export function formatAddCheckpoint(oldSize: number, proof: readonly Uint8Array[], signedCheckpoint: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${signedCheckpoint}`;
}
