/**
 * `hotline forward`: quotes a statement of one channel in another, with its proof
 * (protocol.md §13.3). Everything comes from this terminal's archive — the original as it
 * verified it, its log record, the leaf hashes of the log it scanned and a cosigned checkpoint
 * it holds — so the receiver needs neither the relay nor the source channel's group. The body is
 * checked here with the very check every receiver runs, and nothing is sent unless it verifies:
 * a forward the source charter does not permit, or one its receivers could not verify, fails
 * before anything is signed.
 */
import { formatTlogProof, inclusionProof, utf8 } from '@hotline/log';
import { channelTag, encodeForwardBody, StatementType, type Charter } from '@hotline/protocol';
import { forwardLine } from '@hotline/verify';
import { TerminalError, type Terminal } from '../terminal.js';
import { checkForward } from './forward-check.js';
import { findStatement } from './rule-actions.js';
import { sendStatement, type Sent } from './send.js';

/** The newest held checkpoint that covers `logIndex` and whose whole log this archive scanned (so the proof can be built). */
function provingCheckpoint(t: Terminal, logIndex: number): { size: number; note: string } | undefined {
  const scanned = t.logHashes.size();
  const usable = t.archive.checkpoints().filter((c) => c.size > logIndex && c.size <= scanned);
  return usable[usable.length - 1];
}

/** The forward body for statement `idPrefix` of `source`, to be sent in `target`. */
export async function forwardBody(t: Terminal, source: Charter, target: Charter, idPrefix: string, comment: string): Promise<Uint8Array> {
  const subject = { channel: source.name };
  const stored = findStatement(t, source, idPrefix, [StatementType.message, StatementType.edit]);
  if (!stored.valid) throw new TerminalError('invalid_statement', `statement ${idPrefix} of ${source.name} broke a hotline rule: it is not forwarded as if it counted`, subject);
  const original = t.archive.rawAt(source.channelId, stored.seq);
  const row = t.archive.channelRecords(channelTag(source.channelId), stored.seq, stored.seq)[0];
  if (original === undefined || row === undefined) throw new TerminalError('not_found', `this archive holds no log record for seq ${stored.seq} of ${source.name}`, subject);
  const checkpoint = provingCheckpoint(t, row.logIndex);
  if (checkpoint === undefined) throw new TerminalError('not_found', `no checkpoint this terminal holds covers seq ${stored.seq} of ${source.name} within the log it scanned yet: let it sync (hotline watch ${source.name} --once) and forward again`, subject);
  const hashes = await inclusionProof(row.logIndex, checkpoint.size, t.logHashes);
  if (!hashes.ok) throw new TerminalError('not_found', `the inclusion proof of seq ${stored.seq} cannot be built from this archive: ${hashes.error.message}`, subject);
  const proof = formatTlogProof({ index: row.logIndex, inclusionProof: hashes.value, checkpoint: checkpoint.note });
  try {
    return encodeForwardBody({ original, record: row.record, proof: utf8(proof), charter: source.bytes, comment });
  } catch (error) {
    throw new TerminalError('invalid_statement', `statement ${idPrefix} cannot be forwarded: ${(error as Error).message}`, subject);
  }
}

/** Forwards statement `idPrefix` of `source` into `target` with `comment`, if its receivers will verify its origin. */
export async function forwardStatement(t: Terminal, source: Charter, target: Charter, idPrefix: string, comment = ''): Promise<Sent> {
  if (!source.forwardTo.some((id) => id.every((b, i) => b === target.channelId[i]))) {
    throw new TerminalError('not_permitted', `the charter of ${source.name} does not permit forwarding to ${target.name} (its parties name the channels it may be forwarded to when they create it: hotline channel create --forward-to)`, { channel: source.name });
  }
  const body = await forwardBody(t, source, target, idPrefix, comment);
  const outcome = checkForward(t, target, body);
  if (outcome.status === 'invalid') throw new TerminalError('invalid_statement', `the forward would not verify: ${forwardLine(outcome)}; nothing was sent`, { channel: target.name });
  return sendStatement(t, target, { type: StatementType.forward, body });
}
