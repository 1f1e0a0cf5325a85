/**
 * Channel charters (docs/spec/protocol.md §15): the document every party's root signs to
 * create a channel — who the parties are (name and root key), which roles may be members, the
 * hotline rules (acknowledgement deadlines per precedence, approval rules, liveness interval),
 * how often devices must update their MLS keys, and the witness policy that checkpoints must
 * meet. A channel exists only once every party has signed. A charter naming one party creates
 * that party's internal channel, where drafts circulate for approval (the two-person rule).
 *
 *   u8 format = 1 | [16] channel id | string16 name | u64 created (ms)
 *   | u8 party count (1–8) | count × (string16 party | [32] root key)
 *   | u8 member roles | u8 ack roles | 4 × u32 ack deadline seconds (FLASH, IMMEDIATE, PRIORITY, ROUTINE)
 *   | u32 heartbeat seconds | u32 late seconds | u32 silent seconds | u32 key update seconds
 *   | u8 rule count (≤ 32) | count × (u8 party index | u8 precedence | u8 required | u8 roles)
 *   | bytes16 witness policy (c2sp.org/tlog-policy text, ≤ 4,096 bytes)
 *   [format 2 only: | u8 forward count (1–16) | count × [16] channel id, strictly ascending]
 *   | u8 signature count | count × (u8 party index | [64] signature)
 *
 * signature i = Ed25519(root of party i, "hotline/v1/charter\n" || everything before the signature count)
 * charter id  = H(hotline/v1/charter-id, same bytes)
 *
 * Format 2 differs from format 1 only by the forward targets: the channels a statement of this
 * channel may be forwarded to with its proof (§13.1, type 11). A charter without any is encoded
 * as format 1, so every charter made before forwards existed keeps its bytes, id and signatures,
 * and format 1 reads as "no forwarding".
 */
import { bytesEqual, parsePolicy, utf8, type VerifierKey } from '@hotline/log';
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledHash, labelledSign, labelledVerify, type Signer } from './hashing.js';
import { Label } from './labels.js';
import { CHANNEL_ID_SIZE } from './envelope.js';
import { isValidPartyName } from './names.js';
import { decodeRoles, encodeRoles, type Role } from './roles.js';

export const CHARTER_FORMAT = 1;
/** The format of a charter that names forward targets. */
export const CHARTER_FORMAT_FORWARDS = 2;
export const MAX_FORWARD_TARGETS = 16;
export const MAX_CHARTER_PARTIES = 8;
export const MAX_APPROVAL_RULES = 32;
export const MAX_WITNESS_POLICY_BYTES = 4096;

export interface CharterParty {
  readonly name: string;
  readonly rootKey: Uint8Array;
}

/** "A message of this precedence from this party needs `required` approvals from these roles." */
export interface ApprovalRule {
  readonly party: number;
  readonly precedence: number;
  readonly required: number;
  readonly roles: readonly Role[];
}

export interface CharterBody {
  readonly channelId: Uint8Array;
  readonly name: string;
  readonly created: number;
  readonly parties: readonly CharterParty[];
  readonly memberRoles: readonly Role[];
  /** Roles whose members may acknowledge (a principal's "received and understood"). */
  readonly ackRoles: readonly Role[];
  /** Seconds to acknowledge, indexed FLASH, IMMEDIATE, PRIORITY, ROUTINE. 0 = no deadline. */
  readonly ackDeadlines: readonly [number, number, number, number];
  /** The liveness test interval: each party sends a heartbeat at least this often. */
  readonly heartbeatSeconds: number;
  /** A party whose last heartbeat is older than this is late; older than silentSeconds, silent. */
  readonly lateSeconds: number;
  readonly silentSeconds: number;
  readonly keyUpdateSeconds: number;
  readonly approvals: readonly ApprovalRule[];
  readonly witnessPolicy: string;
  /** Channels this channel's statements may be forwarded to (format 2); empty: none (format 1). */
  readonly forwardTo: readonly Uint8Array[];
}

export interface CharterSignature {
  readonly party: number;
  readonly signature: Uint8Array;
}

export interface Charter extends CharterBody {
  readonly signatures: readonly CharterSignature[];
  /** The signed part: what each root signs and what the charter id hashes. */
  readonly body: Uint8Array;
  readonly bytes: Uint8Array;
}

function encodeBody(c: CharterBody): Uint8Array {
  const w = new Writer().u8(c.forwardTo.length === 0 ? CHARTER_FORMAT : CHARTER_FORMAT_FORWARDS).fixed(c.channelId, CHANNEL_ID_SIZE).string16(c.name).u64(c.created).u8(c.parties.length);
  for (const p of c.parties) w.string16(p.name).fixed(p.rootKey, 32);
  w.u8(encodeRoles(c.memberRoles)).u8(encodeRoles(c.ackRoles));
  for (const d of c.ackDeadlines) w.u32(d);
  w.u32(c.heartbeatSeconds).u32(c.lateSeconds).u32(c.silentSeconds).u32(c.keyUpdateSeconds).u8(c.approvals.length);
  for (const a of c.approvals) w.u8(a.party).u8(a.precedence).u8(a.required).u8(encodeRoles(a.roles));
  w.bytes16(utf8(c.witnessPolicy));
  if (c.forwardTo.length > 0) {
    w.u8(c.forwardTo.length);
    for (const id of c.forwardTo) w.fixed(id, CHANNEL_ID_SIZE);
  }
  return w.finish();
}

function checkForwardTargets(c: CharterBody): string | undefined {
  if (c.forwardTo.length > MAX_FORWARD_TARGETS) return `at most ${MAX_FORWARD_TARGETS} forward targets`;
  for (const [i, id] of c.forwardTo.entries()) {
    if (id.length !== CHANNEL_ID_SIZE) return 'a forward target is a 16-byte channel id';
    if (bytesEqual(id, c.channelId)) return 'a channel is not its own forward target';
    if (i > 0 && compareBytes(c.forwardTo[i - 1]!, id) >= 0) return 'forward targets must be in strictly ascending byte order';
  }
  return undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function checkBody(c: CharterBody): string | undefined {
  if (c.channelId.length !== CHANNEL_ID_SIZE) return 'channel id must be 16 bytes';
  if (c.name.length === 0 || utf8(c.name).length > 255 || /[\u0000-\u001f\u007f]/.test(c.name) || c.name.trim() !== c.name) return 'channel name must be 1–255 printable bytes without surrounding spaces';
  if (c.parties.length < 1 || c.parties.length > MAX_CHARTER_PARTIES) return `a charter names 1–${MAX_CHARTER_PARTIES} parties`;
  const names = new Set<string>();
  for (const p of c.parties) {
    if (!isValidPartyName(p.name)) return `invalid party name ${JSON.stringify(p.name)}`;
    if (names.has(p.name)) return `party ${p.name} is named twice`;
    if (p.rootKey.length !== 32) return `party ${p.name}: root key must be 32 bytes`;
    names.add(p.name);
  }
  if (c.memberRoles.length === 0) return 'at least one role must be admitted as a member';
  if (c.ackDeadlines.length !== 4 || c.ackDeadlines.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) return 'four acknowledgement deadlines (seconds) are required';
  if (!Number.isInteger(c.heartbeatSeconds) || c.heartbeatSeconds < 1 || c.heartbeatSeconds > 0xffffffff) return 'heartbeat interval must be at least 1 second';
  if (!Number.isInteger(c.lateSeconds) || c.lateSeconds <= c.heartbeatSeconds || c.lateSeconds > 0xffffffff) return 'the late threshold must exceed the heartbeat interval';
  if (!Number.isInteger(c.silentSeconds) || c.silentSeconds <= c.lateSeconds || c.silentSeconds > 0xffffffff) return 'the silent threshold must exceed the late threshold';
  if (c.ackRoles.length === 0) return 'at least one role must be allowed to acknowledge';
  if (!Number.isInteger(c.keyUpdateSeconds) || c.keyUpdateSeconds < 1 || c.keyUpdateSeconds > 0xffffffff) return 'key update interval must be at least 1 second';
  if (c.approvals.length > MAX_APPROVAL_RULES) return `at most ${MAX_APPROVAL_RULES} approval rules`;
  if (new Set(c.approvals.map((a) => `${a.party}:${a.precedence}`)).size !== c.approvals.length) return 'two approval rules for the same party and precedence';
  for (const a of c.approvals) {
    if (a.party >= c.parties.length) return `approval rule names party ${a.party}, but the charter has ${c.parties.length}`;
    if (a.precedence < 1 || a.precedence > 4) return `approval rule precedence ${a.precedence} is not 1–4`;
    if (a.required < 1 || a.required > 16) return `approval rule requires ${a.required} approvals (1–16)`;
    if (a.roles.length === 0) return 'an approval rule names at least one role';
  }
  if (utf8(c.witnessPolicy).length > MAX_WITNESS_POLICY_BYTES) return `witness policy exceeds ${MAX_WITNESS_POLICY_BYTES} bytes`;
  const policy = parsePolicy(c.witnessPolicy);
  if (!policy.ok) return `witness policy: ${policy.error.message}`;
  return checkForwardTargets(c);
}

function assemble(body: CharterBody, encodedBody: Uint8Array, signatures: readonly CharterSignature[]): Charter {
  const sorted = [...signatures].sort((a, b) => a.party - b.party);
  const w = new Writer().fixed(encodedBody, encodedBody.length).u8(sorted.length);
  for (const s of sorted) w.u8(s.party).fixed(s.signature, 64);
  return { ...body, signatures: sorted, body: encodedBody, bytes: w.finish() };
}

/** Charter fields with the liveness thresholds and ack roles defaulted (late 1.5×, silent 3× the heartbeat; principals acknowledge). */
export type CharterDraft = Omit<CharterBody, 'ackRoles' | 'lateSeconds' | 'silentSeconds' | 'forwardTo'> & Partial<Pick<CharterBody, 'ackRoles' | 'lateSeconds' | 'silentSeconds' | 'forwardTo'>>;

/** A new, unsigned charter. Throws on a field that breaks the rules above (a programming error). */
export function draftCharter(draft: CharterDraft): Charter {
  const body: CharterBody = {
    ...draft,
    ackRoles: draft.ackRoles ?? ['principal'],
    lateSeconds: draft.lateSeconds ?? Math.ceil(draft.heartbeatSeconds * 1.5),
    silentSeconds: draft.silentSeconds ?? draft.heartbeatSeconds * 3,
    // Sorted here so a draft's targets may be given in any order; the encoding has one.
    forwardTo: [...(draft.forwardTo ?? [])].sort(compareBytes),
  };
  const problem = checkBody(body);
  if (problem !== undefined) throw new TypeError(problem);
  return assemble(body, encodeBody(body), []);
}

/** Adds (or replaces) the signature of the party whose root `root` is. */
export function signCharter(charter: Charter, root: Signer & { readonly name: string }): Result<Charter> {
  const index = charter.parties.findIndex((p) => p.name === root.name);
  if (index < 0) return fail('unknown_party', `party ${root.name} is not in this charter`);
  if (!bytesEqual(charter.parties[index]!.rootKey, root.publicKey)) return fail('bad_signature', `this charter names another root key for ${root.name}`);
  const signature = labelledSign(Label.charter, root, charter.body);
  return ok(assemble(charter, charter.body, [...charter.signatures.filter((s) => s.party !== index), { party: index, signature }]));
}

export function charterId(charter: Pick<Charter, 'body'>): Uint8Array {
  return labelledHash(Label.charterId, charter.body);
}

/** Decodes a charter and checks every signature it carries (which may be fewer than all). */
export function decodeCharter(bytes: Uint8Array): Result<Charter> {
  const decoded = decodeUnverifiedCharter(bytes);
  return decoded.ok ? verifyCharterSignatures(decoded.value) : decoded;
}

/** Checks every signature a decoded charter carries against the root keys it names. */
export function verifyCharterSignatures(charter: Charter): Result<Charter> {
  for (const s of charter.signatures) {
    const party = charter.parties[s.party]!;
    if (!labelledVerify(Label.charter, party.rootKey, charter.body, s.signature)) return fail('bad_signature', `the signature for ${party.name} does not verify under the root key the charter names`);
  }
  return ok(charter);
}

/**
 * Decodes a charter WITHOUT checking its signatures: for a record bundle's verifier, whose
 * order of checks (record.md) names a malformed charter under "format" and a bad signature
 * under "trust", after the roots are compared. Follow with `verifyCharterSignatures`.
 */
export function decodeUnverifiedCharter(bytes: Uint8Array): Result<Charter> {
  const r = new Reader(bytes, 'malformed_charter', 'charter');
  const format = r.u8('format');
  if (!r.failed && format !== CHARTER_FORMAT && format !== CHARTER_FORMAT_FORWARDS) return fail('unsupported_version', `charter format ${format} is not supported`);
  const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
  const name = r.string16('name');
  const created = r.u64('created');
  const count = r.u8('party count');
  const parties: CharterParty[] = [];
  for (let i = 0; i < Math.min(count, MAX_CHARTER_PARTIES + 1) && !r.failed; i++) parties.push({ name: r.string16(`party ${i} name`), rootKey: r.fixed(32, `party ${i} root`) });
  const memberRoles = decodeRoles(r.u8('member roles')) ?? [];
  const ackRoles = decodeRoles(r.u8('ack roles')) ?? [];
  const ackDeadlines = [r.u32('FLASH deadline'), r.u32('IMMEDIATE deadline'), r.u32('PRIORITY deadline'), r.u32('ROUTINE deadline')] as const;
  const heartbeatSeconds = r.u32('heartbeat seconds');
  const lateSeconds = r.u32('late seconds');
  const silentSeconds = r.u32('silent seconds');
  const keyUpdateSeconds = r.u32('key update seconds');
  const ruleCount = r.u8('approval rule count');
  const approvals: ApprovalRule[] = [];
  for (let i = 0; i < Math.min(ruleCount, MAX_APPROVAL_RULES + 1) && !r.failed; i++) {
    approvals.push({ party: r.u8('rule party'), precedence: r.u8('rule precedence'), required: r.u8('rule required'), roles: decodeRoles(r.u8('rule roles')) ?? [] });
  }
  const policyBytes = r.bytes16('witness policy', MAX_WITNESS_POLICY_BYTES);
  const forwardTo: Uint8Array[] = [];
  if (format === CHARTER_FORMAT_FORWARDS) {
    const targets = r.u8('forward target count');
    if (targets === 0) r.fail('a format 2 charter names at least one forward target (none is format 1)');
    for (let i = 0; i < Math.min(targets, MAX_FORWARD_TARGETS + 1) && !r.failed; i++) forwardTo.push(r.fixed(CHANNEL_ID_SIZE, `forward target ${i}`));
  }
  const bodyLength = r.offset;
  const signatureCount = r.u8('signature count');
  const signatures: CharterSignature[] = [];
  for (let i = 0; i < Math.min(signatureCount, MAX_CHARTER_PARTIES + 1) && !r.failed; i++) signatures.push({ party: r.u8('signature party'), signature: r.fixed(64, 'signature') });
  const witnessPolicy = new TextDecoder('utf-8', { fatal: false }).decode(policyBytes);
  const body: CharterBody = { channelId, name, created, parties, memberRoles, ackRoles, ackDeadlines, heartbeatSeconds, lateSeconds, silentSeconds, keyUpdateSeconds, approvals, witnessPolicy, forwardTo };
  const problem = r.failed ? undefined : checkBody(body);
  if (problem !== undefined) r.fail(problem);
  if (!r.failed && !bytesEqual(utf8(witnessPolicy), policyBytes)) r.fail('witness policy is not valid UTF-8');
  for (let i = 1; i < signatures.length; i++) if (signatures[i]!.party <= signatures[i - 1]!.party) r.fail('signatures must be in strictly ascending party order');
  if (signatures.some((s) => s.party >= parties.length)) r.fail('a signature names a party the charter does not have');
  return r.end({ ...body, signatures, body: bytes.slice(0, bodyLength), bytes: bytes.slice() });
}

/**
 * A charter in force: signed by every party, and each party's root in it is the one this
 * terminal pinned (so a charter cannot introduce a root key of its own).
 */
export function verifyCharter(charter: Charter, pinned: ReadonlyMap<string, VerifierKey>): Result<Charter> {
  for (const [i, party] of charter.parties.entries()) {
    const root = pinned.get(party.name);
    if (root === undefined) return fail('unknown_party', `party ${party.name} is not pinned: run hotline party trust with its root key first`);
    if (!bytesEqual(root.publicKey, party.rootKey)) return fail('bad_signature', `the charter names another root key for ${party.name} than the pinned one`);
    if (!charter.signatures.some((s) => s.party === i)) return fail('unsigned_charter', `${party.name} has not signed the charter yet`);
  }
  return ok(charter);
}
