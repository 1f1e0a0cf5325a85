/**
 * The page's own check of a statement the terminal shows as verified (console-api.md §5,
 * issue 13 item 5): from the evidence alone, with WebCrypto (web-crypto.ts) for the signature and
 * the leaf hash and with packages/log and packages/protocol for the formats — the same code
 * `hotline verify` runs, compiled for the browser:
 *
 *   1. the statement decodes, its author is the evidence's device, and WebCrypto's Ed25519
 *      verifies its signature over "hotline/v1/statement\n" || the unsigned bytes (protocol.md §13);
 *   2. the log record decodes and is an envelope record in this channel's stream at this
 *      entry's seq; then @hotline/verify's checkStatement — the terminal's own structural check
 *      — over the statement: it names this channel, its author is the evidence's device, and
 *      its commitment is the record's aux;
 *   3. the leaf hash is SHA-256(0x00 || record);
 *   4. the checkpoint verifies under the witness policy (the log's signature, cosignatures meeting
 *      the quorum), is the checkpoint the evidence names, and every witness the terminal names
 *      cosigned it;
 *   5. the inclusion proof leads from the leaf at the log index to the checkpoint's root.
 *
 * The first failing step is the answer; the caller shows it as "this browser disagrees: …".
 *
 * DOM-free (WebCrypto is a global in browsers and in Node ≥ 20), so the node tests run it too.
 */
import { bytesEqual, fromHex, parseNoteVerifier, parsePolicy, verifyCheckpointWithPolicy, verifyInclusion } from '@hotline/log';
import { channelTag, decodeRecord, decodeVerifiedStatement, Label, RecordKind } from '@hotline/protocol';
import { checkStatement } from '@hotline/verify';
import type { CheckEvidence } from './evidence.js';
import { ed25519Verify, leafHash, NoEd25519 } from './web-crypto.js';

export type CheckStep =
  | 'decode'
  | 'author'
  | 'signature'
  | 'record'
  | 'seq'
  | 'stream'
  | 'channel'
  | 'commitment'
  | 'leaf'
  | 'noCheckpoint'
  | 'checkpoint'
  | 'checkpointSize'
  | 'witnesses'
  | 'logKey'
  | 'inclusion'
  | 'crypto';

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly step: CheckStep; readonly detail: string };

const SIGNATURE_SIZE = 64;
const disagree = (step: CheckStep, detail: string): CheckResult => ({ ok: false, step, detail });

function hex(text: string, what: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined) throw new TypeError(`${what} is not lower-case hex`);
  return bytes;
}

/** Checks one statement's evidence; `channel` (32 hex) and `seq` are the transcript entry it is shown as. */
export async function checkEvidence(evidence: CheckEvidence, channel: string, seq: number): Promise<CheckResult> {
  try {
    return await check(evidence, hex(channel, 'channel id'), seq);
  } catch (e) {
    if (e instanceof NoEd25519) return disagree('crypto', e.message);
    return disagree('decode', e instanceof Error ? e.message : String(e));
  }
}

/** The step each of checkStatement's fault codes is. */
const STATEMENT_FAULT: Readonly<Record<string, CheckStep>> = { bad_statement: 'signature', wrong_channel: 'channel', unknown_author: 'author', commitment_mismatch: 'commitment' };

async function check(ev: CheckEvidence, channelId: Uint8Array, seq: number): Promise<CheckResult> {
  // 1. The statement and its signature.
  const bytes = hex(ev.statement, 'statement');
  const statement = decodeVerifiedStatement(bytes); // decoding only: the signature is checked below, by WebCrypto
  if (!statement.ok) return disagree('decode', statement.error.message);
  const s = statement.value;
  if (!bytesEqual(s.author, hex(ev.author.deviceKey, 'device key'))) return disagree('author', 'statement author differs from the evidence device key');
  const signed = new Uint8Array([...new TextEncoder().encode(`${Label.statement}\n`), ...bytes.subarray(0, bytes.length - SIGNATURE_SIZE)]);
  if (!(await ed25519Verify(s.author, signed, s.signature))) return disagree('signature', 'Ed25519 (WebCrypto) rejects the statement signature');

  // 2. The log record binds this statement at this seq of this channel.
  const recordBytes = hex(ev.record, 'record');
  const record = decodeRecord(recordBytes);
  if (!record.ok) return disagree('record', record.error.message);
  const r = record.value;
  if (r.kind !== RecordKind.envelope) return disagree('record', `record kind ${r.kind} is not an envelope record`);
  if (r.seq !== seq || ev.seq !== seq) return disagree('seq', `record seq ${r.seq}, entry seq ${seq}`);
  if (!bytesEqual(r.streamTag, channelTag(channelId))) return disagree('stream', 'record stream tag is not this channel tag');
  const author = s.author;
  const checked = checkStatement(bytes, seq, channelId, r.aux, (key) => bytesEqual(key, author));
  if (!checked.ok) return disagree(STATEMENT_FAULT[checked.fault.code] ?? 'decode', checked.fault.message);

  // 3. The leaf.
  const leaf = await leafHash(recordBytes);
  if (!bytesEqual(leaf, hex(ev.leafHash, 'leaf hash'))) return disagree('leaf', 'SHA-256 (WebCrypto) of the record differs from the evidence leaf hash');

  // 4. The checkpoint under the policy.
  if (ev.checkpoint === null) return disagree('noCheckpoint', 'a verified statement needs a covering checkpoint');
  const policy = parsePolicy(ev.policy);
  if (!policy.ok) return disagree('checkpoint', `policy: ${policy.error.message}`);
  const verified = checkpointUnderPolicy(ev.checkpoint.note, ev.policy, policy.value);
  if (!verified.ok) return disagree('checkpoint', verified.error.message);
  const cp = verified.value;
  if (cp.checkpoint.size !== ev.checkpoint.size) return disagree('checkpointSize', `note size ${cp.checkpoint.size}, evidence size ${ev.checkpoint.size}`);
  const logKey = parseNoteVerifier(ev.logKey);
  if (!logKey.ok || logKey.value.name !== cp.log.name || logKey.value.keyId !== cp.log.keyId) return disagree('logKey', 'the evidence log key did not sign this checkpoint');
  const cosigned = new Set(cp.cosignatures.map((c) => c.name));
  const missing = ev.checkpoint.witnesses.filter((w) => !cosigned.has(w));
  if (missing.length > 0) return disagree('witnesses', `no verified cosignature by ${missing.join(', ')}`);

  // 5. Inclusion.
  const proof = ev.inclusionProof.map((h, i) => hex(h, `proof hash ${i}`));
  const included = verifyInclusion(leaf, ev.logIndex, cp.checkpoint.size, proof, cp.checkpoint.rootHash);
  if (!included.ok) return disagree('inclusion', included.error.message);
  return { ok: true };
}

/**
 * Many statements share a checkpoint: its signatures (the log's and each witness's, pure
 * JavaScript here, on the page's one thread) are checked once per note and policy, not once per
 * statement — the note's exact text is the key, so a changed byte is checked afresh.
 */
const checkedNotes = new Map<string, ReturnType<typeof verifyCheckpointWithPolicy>>();

function checkpointUnderPolicy(note: string, policyText: string, policy: Parameters<typeof verifyCheckpointWithPolicy>[1]): ReturnType<typeof verifyCheckpointWithPolicy> {
  const key = `${policyText}\u0000${note}`;
  let verdict = checkedNotes.get(key);
  if (verdict === undefined) {
    verdict = verifyCheckpointWithPolicy(note, policy);
    if (checkedNotes.size >= 64) checkedNotes.clear();
    checkedNotes.set(key, verdict);
  }
  return verdict;
}
