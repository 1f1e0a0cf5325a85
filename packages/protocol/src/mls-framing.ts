/**
 * The clear-text framing of an MLS message (docs/spec/protocol.md §5.1): enough of RFC 9420 for
 * a relay that cannot decrypt to tell which group and epoch a handshake belongs to, and whether
 * it is a commit. It reads a prefix and nothing else — no signature, tag or ciphertext is
 * checked; that is each member's MLS implementation's job. Browser-safe: no `node:` imports.
 */
import { fail, ok, type Result } from './errors.js';

/** RFC 9420 §6: ProtocolVersion mls10. */
const MLS10 = 1;

/** RFC 9420 §6 WireFormat values that carry FramedContent (the others have no epoch). */
export const MlsWireFormat = { publicMessage: 1, privateMessage: 2 } as const;
export type MlsWireFormat = (typeof MlsWireFormat)[keyof typeof MlsWireFormat];

/** RFC 9420 §6 ContentType. */
export const MlsContentType = { application: 1, proposal: 2, commit: 3 } as const;
export type MlsContentType = (typeof MlsContentType)[keyof typeof MlsContentType];

/** RFC 9420 §6 SenderType. */
const SenderType = { member: 1, external: 2, newMemberProposal: 3, newMemberCommit: 4 } as const;

export interface MlsFraming {
  readonly wireFormat: MlsWireFormat;
  readonly groupId: Uint8Array;
  /** Restricted to 2^53 − 1: a group would need that many commits to get there. */
  readonly epoch: number;
  readonly contentType: MlsContentType;
}

/** A cursor over the message; the first failure wins and every later read returns nothing. */
class Cursor {
  private at = 0;
  error: string | undefined;

  constructor(private readonly bytes: Uint8Array) {}

  private take(n: number, field: string): Uint8Array | undefined {
    if (this.error !== undefined) return undefined;
    if (n > this.bytes.length - this.at) {
      this.error = `truncated in ${field} (needs ${n} bytes at offset ${this.at}, has ${this.bytes.length - this.at})`;
      return undefined;
    }
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  uint(size: 1 | 2 | 4, field: string): number {
    const b = this.take(size, field);
    if (b === undefined) return 0;
    return b.reduce((value, byte) => value * 256 + byte, 0);
  }

  uint64(field: string): number {
    const b = this.take(8, field);
    if (b === undefined) return 0;
    const value = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${field} ${value} exceeds 2^53 - 1`);
    return Number(value);
  }

  /**
   * RFC 9420 §2.1.2 variable-size vector: a QUIC-style length (RFC 9000 §16) whose two top
   * bits give its own size (00: 1 byte, 01: 2, 10: 4; 11 is invalid), then that many bytes.
   * The length MUST use the fewest bytes possible, so one vector has one encoding.
   */
  vector(field: string): Uint8Array {
    const first = this.take(1, `${field} length`)?.[0];
    if (first === undefined) return new Uint8Array(0);
    const prefix = first >> 6;
    if (prefix === 3) return this.failed(`${field} length has the invalid prefix 0b11`);
    const extra = prefix === 0 ? 0 : prefix === 1 ? 1 : 3;
    let length = first & 0x3f;
    for (const byte of this.take(extra, `${field} length`) ?? []) length = length * 256 + byte;
    const minimum = prefix === 0 ? 0 : prefix === 1 ? 64 : 16384;
    if (this.error === undefined && length < minimum) return this.failed(`${field} length ${length} is not minimally encoded`);
    return this.take(length, field)?.slice() ?? new Uint8Array(0);
  }

  fail(message: string): void {
    this.error ??= message;
  }

  private failed(message: string): Uint8Array {
    this.fail(message);
    return new Uint8Array(0);
  }
}

/**
 * Reads an MLSMessage's framing (RFC 9420 §6): version, wire format, then for a PublicMessage
 * FramedContent's group_id, epoch, sender and authenticated_data up to content_type (§6.2), and
 * for a PrivateMessage group_id, epoch and content_type (§6.3). Anything else — another
 * version, a Welcome, GroupInfo or KeyPackage, a reserved value, a truncated field — fails with
 * `malformed_mls_framing`. Bytes after content_type are not read.
 */
export function readMlsFraming(message: Uint8Array): Result<MlsFraming> {
  const c = new Cursor(message);
  const version = c.uint(2, 'version');
  if (c.error === undefined && version !== MLS10) c.fail(`protocol version ${version} is not mls10 (1)`);
  const wireFormat = c.uint(2, 'wire_format');
  if (c.error === undefined && wireFormat !== MlsWireFormat.publicMessage && wireFormat !== MlsWireFormat.privateMessage) {
    c.fail(`wire format ${wireFormat} is not mls_public_message (1) or mls_private_message (2)`);
  }
  const groupId = c.vector('group_id');
  const epoch = c.uint64('epoch');
  if (wireFormat === MlsWireFormat.publicMessage) {
    readSender(c);
    c.vector('authenticated_data');
  }
  const contentType = c.uint(1, 'content_type');
  if (c.error === undefined && contentType !== MlsContentType.application && contentType !== MlsContentType.proposal && contentType !== MlsContentType.commit) {
    c.fail(`content type ${contentType} is not application (1), proposal (2) or commit (3)`);
  }
  if (c.error !== undefined) return fail('malformed_mls_framing', `MLS message: ${c.error}`);
  return ok({ wireFormat: wireFormat as MlsWireFormat, groupId, epoch, contentType: contentType as MlsContentType });
}

/** RFC 9420 §6 Sender: a type, then a u32 index for member and external senders only. */
function readSender(c: Cursor): void {
  const type = c.uint(1, 'sender_type');
  if (type === SenderType.member || type === SenderType.external) c.uint(4, 'sender index');
  else if (c.error === undefined && type !== SenderType.newMemberProposal && type !== SenderType.newMemberCommit) c.fail(`sender type ${type} is reserved or unknown`);
}
