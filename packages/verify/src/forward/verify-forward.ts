/**
 * Forward with provenance (docs/spec/protocol.md §13.3): does a forward's body prove that its
 * original was said in the source channel, by a device of one of its parties, at a point of the
 * same relay log this channel is verified against, and that the source channel's charter let it
 * be forwarded here? The terminal's rules step and the record verifier both call this, so a
 * receiving terminal and `hotline verify` reach the same outcome.
 *
 * Checks run in a fixed order and the first failure is named. Everything the forward carries is
 * checked before the pinned roots are consulted, so a change of any embedded byte is
 * `forward_invalid`, never "unverifiable": the only unverifiable forward is an intact one whose
 * source party this receiver has not pinned.
 */
import { bytesEqual, leafHash, parsePolicy, utf8, verifyTlogProof, type VerifierKey } from '@hotline/log';
import {
  channelTag,
  decodeForwardBody,
  decodeRecord,
  decodeUnverifiedCharter,
  openStatement,
  RecordKind,
  statementCommitment,
  StatementType,
  verifyCharterSignatures,
  type Charter,
  type LogRecord,
  type Statement,
} from '@hotline/protocol';
import { deviceValidityAt } from '../directory/device-at.js';
import type { LoggedDevice } from '../directory/directory-entry.js';

export interface ForwardContext {
  /** The receiving channel's verified charter: its channel id and witness policy. */
  readonly target: Charter;
  /** The party roots this receiver pinned, by party name. */
  readonly pinned: ReadonlyMap<string, VerifierKey>;
  /** The directory: a device's logged certificate (and revocation), whatever its party. */
  readonly device: (deviceKey: Uint8Array) => LoggedDevice | undefined;
}

/** Where a verified forward's original comes from: what "origin verified" names. */
export interface ForwardOrigin {
  readonly channelName: string;
  readonly channelId: Uint8Array;
  readonly seq: number;
  readonly party: string;
  readonly member: string;
  readonly logIndex: number;
  readonly receivedAt: number;
  readonly checkpointOrigin: string;
  readonly checkpointSize: number;
  readonly original: Statement;
  readonly comment: string;
}

export type ForwardOutcome =
  | { readonly status: 'verified'; readonly origin: ForwardOrigin }
  /** Intact, but this receiver does not pin a root the source charter names: not an alert. */
  | { readonly status: 'unverifiable'; readonly party: string; readonly message: string }
  | { readonly status: 'invalid'; readonly message: string };

/** The statement types a forward may quote: what someone said, not protocol bookkeeping. */
const FORWARDABLE = new Set<number>([StatementType.message, StatementType.edit]);

const invalid = (message: string): ForwardOutcome => ({ status: 'invalid', message });

/** Checks a forward statement's body (type 11) in the channel `context.target`. */
export function verifyForward(body: Uint8Array, context: ForwardContext): ForwardOutcome {
  const parts = decodeForwardBody(body);
  if (!parts.ok) return invalid(parts.error.message);
  const original = openStatement(parts.value.original);
  if (!original.ok) return invalid(`the original statement: ${original.error.message}`);
  const s = original.value;
  if (!FORWARDABLE.has(s.type)) return invalid('only a message or an edit can be forwarded');
  const decoded = decodeRecord(parts.value.record);
  if (!decoded.ok) return invalid(`the original's log record: ${decoded.error.message}`);
  const record = decoded.value;
  if (record.kind !== RecordKind.envelope) return invalid('the original\'s log record is not an envelope record');
  if (!bytesEqual(record.aux, statementCommitment(s))) return invalid('the original statement is not the one its log record commits to');
  const proven = checkProof(parts.value.proof, parts.value.record, context.target);
  if (typeof proven === 'string') return invalid(proven);
  const source = checkSourceCharter(parts.value.charter, s, record, context.target);
  if (typeof source === 'string') return invalid(source);
  for (const party of source.parties) {
    const root = context.pinned.get(party.name);
    if (root === undefined) return { status: 'unverifiable', party: party.name, message: `party ${party.name} not pinned` };
    if (!bytesEqual(root.publicKey, party.rootKey)) return invalid(`the source charter names another root key for ${party.name} than the pinned one`);
  }
  const author = checkAuthor(s, record, proven.logIndex, source, context);
  if (typeof author === 'string') return invalid(author);
  return {
    status: 'verified',
    origin: { channelName: source.name, channelId: source.channelId, seq: record.seq, party: author.party, member: author.member, logIndex: proven.logIndex, receivedAt: record.receivedAt, checkpointOrigin: proven.origin, checkpointSize: proven.size, original: s, comment: parts.value.comment },
  };
}

/** The record's leaf is at the proof's index under a checkpoint the receiving channel's witness policy accepts (so: the same relay log). */
function checkProof(proofBytes: Uint8Array, record: Uint8Array, target: Charter): { logIndex: number; origin: string; size: number } | string {
  const text = utf8Text(proofBytes);
  if (text === undefined) return 'the tlog-proof is not valid UTF-8';
  const policy = parsePolicy(target.witnessPolicy);
  if (!policy.ok) return `the receiving channel's witness policy: ${policy.error.message}`;
  const verified = verifyTlogProof(text, leafHash(record), policy.value);
  if (!verified.ok) return `the tlog-proof: ${verified.error.message}`;
  const { origin, size } = verified.value.checkpoint.checkpoint;
  return { logIndex: verified.value.proof.index, origin, size };
}

/** The source charter is well formed, signed by every party it names, is the channel of the record and the statement, and names the receiving channel among its forward targets. */
function checkSourceCharter(bytes: Uint8Array, s: Statement, record: LogRecord, target: Charter): Charter | string {
  const decoded = decodeUnverifiedCharter(bytes);
  if (!decoded.ok) return `the source charter: ${decoded.error.message}`;
  const signed = verifyCharterSignatures(decoded.value);
  if (!signed.ok) return `the source charter: ${signed.error.message}`;
  const charter = signed.value;
  const unsigned = charter.parties.find((_, i) => !charter.signatures.some((sig) => sig.party === i));
  if (unsigned !== undefined) return `the source charter is not signed by ${unsigned.name}`;
  if (!bytesEqual(s.channelId, charter.channelId)) return 'the original statement names another channel than the source charter';
  if (!bytesEqual(record.streamTag, channelTag(charter.channelId))) return 'the original\'s log record is not in the source charter\'s channel';
  if (!charter.forwardTo.some((id) => bytesEqual(id, target.channelId))) return `the charter of ${charter.name} does not permit forwarding to ${target.name}`;
  return charter;
}

/** The author was a certified device of a party of the source charter, in a role it admits, at the record's point of the log. */
function checkAuthor(s: Statement, record: LogRecord, logIndex: number, source: Charter, context: ForwardContext): { party: string; member: string } | string {
  const device = context.device(s.author);
  if (device === undefined) return 'the original\'s author is not a device in the directory';
  if (!source.parties.some((p) => p.name === device.party)) return `the original's author belongs to ${device.party}, not a party of ${source.name}`;
  const validity = deviceValidityAt(device, logIndex, record.receivedAt);
  if (!validity.ok) return `the original's author: ${validity.message}`;
  if (!validity.entry.roles.some((r) => source.memberRoles.includes(r))) return `${device.member} of ${device.party} holds no role ${source.name} admits`;
  return { party: device.party, member: device.member };
}

function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return bytesEqual(utf8(text), bytes) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The outcome as the transcript, watch line and record show it. */
export function forwardLine(outcome: ForwardOutcome): string {
  switch (outcome.status) {
    case 'verified': {
      const o = outcome.origin;
      return `origin verified: channel ${o.channelName}, seq ${o.seq}, author ${o.party}/${o.member}, checkpoint ${o.checkpointOrigin} size ${o.checkpointSize}`;
    }
    case 'unverifiable':
      return `origin unverifiable: ${outcome.message}`;
    case 'invalid':
      return `forward_invalid: ${outcome.message}`;
  }
}
