/**
 * The bodies of the hotline-rule statements (docs/spec/protocol.md §13.2). Each is canonical:
 * one encoding per value, no trailing bytes. Statements whose meaning is all in the header
 * (heartbeat, freeze, unfreeze, close-thread) have an empty body.
 */
import { Reader, Writer } from './codec.js';
import { fail, ok, type Result } from './errors.js';
import { labelledHash } from './hashing.js';
import { Label } from './labels.js';
import { CHANNEL_ID_SIZE } from './envelope.js';
import { decodeMessageBody, encodeMessageContent, type MessageBody } from './statement.js';

export const ReceiptKind = { delivered: 1, read: 2 } as const;
export type ReceiptKind = (typeof ReceiptKind)[keyof typeof ReceiptKind];
export const MAX_RECEIPT_IDS = 1024;

/** receipt: u8 kind | u16 count (1–1024) | count × [32] statement id, no repeats. */
export function encodeReceiptBody(kind: ReceiptKind, ids: readonly Uint8Array[]): Uint8Array {
  if (ids.length < 1 || ids.length > MAX_RECEIPT_IDS) throw new RangeError(`a receipt covers 1–${MAX_RECEIPT_IDS} statements`);
  const w = new Writer().u8(kind).u16(ids.length);
  for (const id of ids) w.fixed(id, 32);
  return w.finish();
}

export function decodeReceiptBody(bytes: Uint8Array): Result<{ kind: ReceiptKind; ids: Uint8Array[] }> {
  const r = new Reader(bytes, 'malformed_statement', 'receipt body');
  const kind = r.u8('kind');
  const count = r.u16('count');
  if (kind !== 1 && kind !== 2) r.fail(`receipt kind ${kind} is not 1 (delivered) or 2 (read)`);
  if (count < 1 || count > MAX_RECEIPT_IDS) r.fail(`a receipt covers 1–${MAX_RECEIPT_IDS} statements, not ${count}`);
  const ids: Uint8Array[] = [];
  for (let i = 0; i < Math.min(count, MAX_RECEIPT_IDS) && !r.failed; i++) ids.push(r.fixed(32, `id ${i}`));
  if (new Set(ids.map((id) => String.fromCharCode(...id))).size !== ids.length) r.fail('a receipt names a statement twice');
  return r.end({ kind: kind as ReceiptKind, ids });
}

/** ack: [32] the id of the message acknowledged. The statement's head is the transcript it co-signs. */
export function encodeAckBody(messageId: Uint8Array): Uint8Array {
  return new Writer().fixed(messageId, 32).finish();
}

export function decodeAckBody(bytes: Uint8Array): Result<{ messageId: Uint8Array }> {
  const r = new Reader(bytes, 'malformed_statement', 'ack body');
  const messageId = r.fixed(32, 'message id');
  return r.end({ messageId });
}

/**
 * What an approval binds: the channel the message goes to and its exact content.
 * content hash = H(hotline/v1/draft-content, target channel id ‖ message content).
 */
export function draftContentHash(targetChannel: Uint8Array, body: Pick<MessageBody, 'precedence' | 'language' | 'text'>): Uint8Array {
  return labelledHash(Label.draftContent, targetChannel, encodeMessageContent(body));
}

/** draft (party-internal channel): [16] target channel id | message content (no approvals). */
export function encodeDraftBody(targetChannel: Uint8Array, body: Pick<MessageBody, 'precedence' | 'language' | 'text'>): Uint8Array {
  const content = encodeMessageContent(body);
  return new Writer().fixed(targetChannel, CHANNEL_ID_SIZE).fixed(content, content.length).u8(0).finish();
}

export function decodeDraftBody(bytes: Uint8Array): Result<{ targetChannel: Uint8Array; body: MessageBody }> {
  if (bytes.length < CHANNEL_ID_SIZE) return fail('malformed_statement', 'draft body: truncated');
  const body = decodeMessageBody(bytes.subarray(CHANNEL_ID_SIZE));
  if (!body.ok) return body;
  if ((body.value.approvals ?? []).length > 0) return fail('malformed_statement', 'draft body: a draft carries no approvals');
  return ok({ targetChannel: bytes.slice(0, CHANNEL_ID_SIZE), body: body.value });
}

/**
 * approval (party-internal channel): [16] target channel id | [32] draft content hash | [32]
 * the device that may send it (the draft's author). The draft's id is the statement's parent;
 * a message may use one draft's approvals once.
 */
export function encodeApprovalBody(targetChannel: Uint8Array, contentHash: Uint8Array, sender: Uint8Array): Uint8Array {
  return new Writer().fixed(targetChannel, CHANNEL_ID_SIZE).fixed(contentHash, 32).fixed(sender, 32).finish();
}

export function decodeApprovalBody(bytes: Uint8Array): Result<{ targetChannel: Uint8Array; contentHash: Uint8Array; sender: Uint8Array }> {
  const r = new Reader(bytes, 'malformed_statement', 'approval body');
  const targetChannel = r.fixed(CHANNEL_ID_SIZE, 'target channel');
  const contentHash = r.fixed(32, 'content hash');
  const sender = r.fixed(32, 'sender');
  return r.end({ targetChannel, contentHash, sender });
}

/** heartbeat, freeze, unfreeze, close-thread: empty. */
export function isEmptyBody(bytes: Uint8Array): boolean {
  return bytes.length === 0;
}
