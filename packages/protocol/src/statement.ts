/**
 * Statements (docs/spec/protocol.md §13): what a member says, signed by their device key,
 * carried inside an MLS application message. Every statement carries the author's view of
 * the channel (`head`: seq and chain hash), so acknowledgements and heartbeats co-sign the
 * transcript, and a random salt, so the envelope's commitment hides even a short, guessable
 * statement from the relay.
 *
 *   u8 version = 1 | u8 type | [16] channel id | [32] author device key | u64 time (ms)
 *   | u64 head seq | [32] head chain hash | u8 has-parent | [32] parent id (if has-parent)
 *   | bytes32 body | [32] salt | [64] signature
 *
 * signature = Ed25519(author device, "hotline/v1/statement\n" || all preceding bytes)
 * statement id = H(hotline/v1/statement-id, whole encoding)
 * commitment   = H(hotline/v1/commitment, salt || whole encoding)
 */
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledHash, labelledVerify, signedEncoding, type Signer } from './hashing.js';
import { Label } from './labels.js';
import { CHANNEL_ID_SIZE } from './envelope.js';

export const STATEMENT_VERSION = 1;
export const MAX_STATEMENT_BODY = 64 * 1024;

export const StatementType = {
  message: 1,
  receipt: 2,
  ack: 3,
  approval: 4,
  heartbeat: 5,
  edit: 6,
  translation: 7,
  freeze: 8,
  unfreeze: 9,
  closeThread: 10,
  forward: 11,
  draft: 12,
} as const;
export type StatementType = (typeof StatementType)[keyof typeof StatementType];
const TYPES = new Set<number>(Object.values(StatementType));

export interface Head {
  readonly seq: number;
  readonly chainHash: Uint8Array;
}

export interface StatementFields {
  readonly type: StatementType;
  readonly channelId: Uint8Array;
  readonly author: Uint8Array;
  readonly time: number;
  readonly head: Head;
  readonly parent?: Uint8Array;
  /** Type-specific encoding (e.g. `encodeMessageBody`). */
  readonly body: Uint8Array;
  readonly salt: Uint8Array;
}

export interface Statement extends StatementFields {
  readonly signature: Uint8Array;
  readonly bytes: Uint8Array;
}

function encodeUnsigned(f: StatementFields): Uint8Array {
  if (f.body.length > MAX_STATEMENT_BODY) throw new RangeError(`statement body is ${f.body.length} bytes, more than ${MAX_STATEMENT_BODY}`);
  const w = new Writer()
    .u8(STATEMENT_VERSION)
    .u8(f.type)
    .fixed(f.channelId, CHANNEL_ID_SIZE)
    .fixed(f.author, 32)
    .u64(f.time)
    .u64(f.head.seq)
    .fixed(f.head.chainHash, 32)
    .u8(f.parent === undefined ? 0 : 1);
  if (f.parent !== undefined) w.fixed(f.parent, 32);
  return w.bytes32(f.body).fixed(f.salt, 32).finish();
}

/** Signs a statement with the author's device key (which must be `fields.author`). */
export function signStatement(fields: StatementFields, device: Signer): Statement {
  if (device.publicKey.some((b, i) => b !== fields.author[i])) throw new TypeError('a statement is signed by its author device');
  const { signature, bytes } = signedEncoding(Label.statement, device, encodeUnsigned(fields));
  return { ...fields, signature, bytes };
}

/** Decodes and checks the author's signature (whether the author may speak is the caller's check). */
export function openStatement(bytes: Uint8Array): Result<Statement> {
  return readStatement(bytes, true);
}

/**
 * Decodes a statement WITHOUT checking its signature: only for bytes this process verified
 * before it stored them (the terminal's archive), where re-verifying every read would cost an
 * Ed25519 verification each.
 */
export function decodeVerifiedStatement(bytes: Uint8Array): Result<Statement> {
  return readStatement(bytes, false);
}

function readStatement(bytes: Uint8Array, verify: boolean): Result<Statement> {
  // The statement's own copy of its bytes; the body is a view into it, not a second copy.
  const own = bytes.slice();
  const r = new Reader(own, 'malformed_statement', 'statement');
  const version = r.u8('version');
  if (!r.failed && version !== STATEMENT_VERSION) return fail('unsupported_version', `statement version ${version} is not supported`);
  const type = r.u8('type');
  const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
  const author = r.fixed(32, 'author');
  const time = r.u64('time');
  const seq = r.u64('head seq');
  const chainHash = r.fixed(32, 'head chain hash');
  const hasParent = r.u8('has-parent');
  const parent = hasParent === 1 ? r.fixed(32, 'parent') : undefined;
  const body = r.view32('body', MAX_STATEMENT_BODY);
  const salt = r.fixed(32, 'salt');
  const unsignedLength = r.offset;
  const signature = r.fixed(64, 'signature');
  if (!TYPES.has(type)) r.fail(`type ${type} is unknown`);
  if (hasParent > 1) r.fail('has-parent must be 0 or 1');
  const decoded = r.end({ type: type as StatementType, channelId, author, time, head: { seq, chainHash }, ...(parent === undefined ? {} : { parent }), body, salt, signature, bytes: own });
  if (!decoded.ok) return decoded;
  if (verify && !labelledVerify(Label.statement, author, own.subarray(0, unsignedLength), signature)) return fail('bad_signature', 'statement is not signed by its author device');
  return ok(decoded.value);
}

export function statementId(statement: Pick<Statement, 'bytes'>): Uint8Array {
  return labelledHash(Label.statementId, statement.bytes);
}

/** The envelope commitment for a statement: binds it without revealing it. */
export function statementCommitment(statement: Pick<Statement, 'bytes' | 'salt'>): Uint8Array {
  return labelledHash(Label.commitment, statement.salt, statement.bytes);
}

export const Precedence = { flash: 1, immediate: 2, priority: 3, routine: 4 } as const;
export type Precedence = (typeof Precedence)[keyof typeof Precedence];

export interface MessageBody {
  readonly precedence: Precedence;
  /** BCP 47 language tag, e.g. "en", "ru". */
  readonly language: string;
  readonly text: string;
  /**
   * Approval statements (type approval, from the author's party-internal channel) that the
   * charter's two-person rule requires for this message; empty if none.
   */
  readonly approvals?: readonly Uint8Array[];
}

export const MAX_APPROVALS = 16;
const MAX_APPROVAL_BYTES = 1024;

/** The part of a message body approvals bind: u8 precedence | string16 language | bytes32 UTF-8 text. */
export function encodeMessageContent(body: Pick<MessageBody, 'precedence' | 'language' | 'text'>): Uint8Array {
  return new Writer().u8(body.precedence).string16(body.language).bytes32(new TextEncoder().encode(body.text)).finish();
}

/** Body of a `message` (and `edit`) statement: the content, then u8 approval count | count × bytes16 approval statement. */
export function encodeMessageBody(body: MessageBody): Uint8Array {
  const approvals = body.approvals ?? [];
  if (approvals.length > MAX_APPROVALS) throw new RangeError(`at most ${MAX_APPROVALS} approvals`);
  const content = encodeMessageContent(body);
  const w = new Writer().fixed(content, content.length).u8(approvals.length);
  for (const a of approvals) w.bytes16(a);
  return w.finish();
}

export function decodeMessageBody(bytes: Uint8Array): Result<MessageBody> {
  const r = new Reader(bytes, 'malformed_statement', 'message body');
  const precedence = r.u8('precedence');
  const language = r.string16('language', 35);
  const raw = r.view32('text', MAX_STATEMENT_BODY); // decoded to a string at once: no copy
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw); // keep a BOM: one encoding per text
  } catch {
    r.fail('text is not valid UTF-8');
  }
  const count = r.u8('approval count');
  if (count > MAX_APPROVALS) r.fail(`${count} approvals, more than ${MAX_APPROVALS}`);
  const approvals: Uint8Array[] = [];
  for (let i = 0; i < Math.min(count, MAX_APPROVALS) && !r.failed; i++) approvals.push(r.bytes16(`approval ${i}`, MAX_APPROVAL_BYTES));
  if (precedence < 1 || precedence > 4) r.fail(`precedence ${precedence} is not 1–4 (FLASH, IMMEDIATE, PRIORITY, ROUTINE)`);
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language)) r.fail('language must be a BCP 47 tag');
  return r.end({ precedence: precedence as Precedence, language, text, approvals });
}
