/**
 * The add-checkpoint decision, status for status as c2sp.org/tlog-witness defines it:
 *
 *   400 malformed body, or old size > checkpoint size
 *   404 unknown origin
 *   403 no valid signature by a trusted key of that origin (or a failing one)
 *   409 old size ≠ the size this witness last cosigned (body: that size, text/x.tlog.size)
 *   422 bad consistency proof; same size with another root; a non-empty proof from size 0;
 *       size 0 with a root other than the empty tree's
 *   200 cosignature line(s)
 */
import {
  bytesEqual,
  emptyRoot,
  parseCheckpoint,
  signatureLine,
  utf8,
  verifyConsistency,
  verifyParsedNote,
  type NoteSigner,
  type NoteVerifier,
} from '@hotline/log';
import { parseAddCheckpoint } from './request.js';
import type { WitnessStore } from './witness-store.js';

export interface WitnessResponse {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422;
  readonly body: string;
  readonly contentType: string;
}

const text = (status: WitnessResponse['status'], body: string): WitnessResponse => ({ status, body: `${body}\n`, contentType: 'text/plain; charset=utf-8' });

export interface WitnessIdentity {
  readonly cosigner: NoteSigner;
  /** Trusted log keys by origin. */
  readonly logs: ReadonlyMap<string, readonly NoteVerifier[]>;
}

export function addCheckpoint(body: string, identity: WitnessIdentity, store: WitnessStore): WitnessResponse {
  const parsed = parseAddCheckpoint(body);
  if (parsed.request === undefined) return text(400, parsed.error ?? 'malformed request');
  const { oldSize, proof, note } = parsed.request;
  const checkpoint = parseCheckpoint(note.text);
  if (!checkpoint.ok) return text(400, checkpoint.error.message);
  const { origin, size, rootHash } = checkpoint.value;
  const keys = identity.logs.get(origin);
  if (keys === undefined) return text(404, `unknown log origin ${JSON.stringify(origin)}`);
  const signed = verifyParsedNote(note, keys);
  if (!signed.ok) return text(403, `checkpoint not validly signed by a trusted key of ${origin}: ${signed.error.message}`);
  if (oldSize > size) return text(400, `old size ${oldSize} is greater than the checkpoint size ${size}`);
  if (size === 0 && !bytesEqual(rootHash, emptyRoot())) return text(422, 'a checkpoint of size 0 must have the empty tree root');

  return store.update(origin, (stored) => {
    const storedSize = stored?.size ?? 0;
    if (oldSize !== storedSize) return { result: { status: 409, body: `${storedSize}\n`, contentType: 'text/x.tlog.size' } satisfies WitnessResponse };
    if (oldSize === 0 && proof.length > 0) return { result: text(422, 'old size 0 needs an empty consistency proof') };
    if (stored !== undefined && oldSize === size && !bytesEqual(stored.rootHash, rootHash)) {
      return { result: text(422, `size ${size} was already cosigned with another root hash: the log has forked`) };
    }
    if (stored !== undefined && oldSize > 0 && oldSize < size) {
      const consistent = verifyConsistency(oldSize, size, proof, stored.rootHash, rootHash);
      if (!consistent.ok) return { result: text(422, `consistency proof from ${oldSize} to ${size} does not verify: ${consistent.error.message}`) };
    } else if (oldSize === size && proof.length > 0) {
      return { result: text(422, 'equal sizes need an empty consistency proof') };
    }
    const line = signatureLine(identity.cosigner.name, identity.cosigner.keyId, identity.cosigner.sign(utf8(note.text)));
    const cosigned = `${note.text}\n${signed.value.verified.map((v) => signatureLine(v.name, v.keyId, v.signature)).join('')}${line}`;
    return { store: { size, rootHash, note: cosigned }, result: { status: 200, body: line, contentType: 'text/plain; charset=utf-8' } satisfies WitnessResponse };
  });
}
