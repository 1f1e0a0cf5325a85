/**
 * The canonical binary encoding every Hotline signed object uses (docs/spec/protocol.md §1):
 * big-endian fixed-width integers, fixed-size byte strings, and length-prefixed byte strings
 * and UTF-8 strings. One value has exactly one encoding, and a decoder must consume its input
 * exactly, so a signature over the bytes is a signature over the value.
 */
import { decodeUtf8, utf8 } from '@hotline/log';
import { fail, ok, type ProtocolErrorCode, type Result } from './errors.js';

export class Writer {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`u8 out of range: ${value}`);
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`u16 out of range: ${value}`);
    this.reserve(2);
    this.buffer[this.length++] = value >>> 8;
    this.buffer[this.length++] = value & 255;
    return this;
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u32 out of range: ${value}`);
    this.reserve(4);
    new DataView(this.buffer.buffer).setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  /** u64 restricted to JavaScript safe integers (times, sequence numbers, log indexes). */
  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`u64 must be a non-negative safe integer: ${value}`);
    this.reserve(8);
    new DataView(this.buffer.buffer).setBigUint64(this.length, BigInt(value));
    this.length += 8;
    return this;
  }

  /** A byte string of a length fixed by the format (no prefix). */
  fixed(bytes: Uint8Array, size: number): this {
    if (bytes.length !== size) throw new RangeError(`expected ${size} bytes, got ${bytes.length}`);
    this.reserve(size);
    this.buffer.set(bytes, this.length);
    this.length += size;
    return this;
  }

  /** u16 length, then the bytes. */
  bytes16(bytes: Uint8Array): this {
    this.u16(bytes.length);
    return this.fixed(bytes, bytes.length);
  }

  /** u32 length, then the bytes. */
  bytes32(bytes: Uint8Array): this {
    this.u32(bytes.length);
    return this.fixed(bytes, bytes.length);
  }

  /** u16 length, then UTF-8. */
  string16(text: string): this {
    return this.bytes16(utf8(text));
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Reads a canonical encoding; every method fails with `code` naming the object being read. */
export class Reader {
  private at = 0;
  private error: string | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly code: ProtocolErrorCode,
    private readonly what: string,
  ) {}

  private take(n: number, field: string): Uint8Array | undefined {
    if (this.error !== undefined) return undefined;
    if (this.at + n > this.bytes.length) {
      this.error = `${this.what} truncated in ${field} (needs ${n} more bytes at offset ${this.at}, has ${this.bytes.length - this.at})`;
      return undefined;
    }
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(field: string): number {
    return this.take(1, field)?.[0] ?? 0;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return b === undefined ? 0 : (b[0]! << 8) | b[1]!;
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return b === undefined ? 0 : new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }

  u64(field: string): number {
    const b = this.take(8, field);
    if (b === undefined) return 0;
    const value = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(`${field} exceeds 2^53 - 1`);
      return 0;
    }
    return Number(value);
  }

  fixed(size: number, field: string): Uint8Array {
    return this.take(size, field)?.slice() ?? new Uint8Array(size);
  }

  bytes16(field: string, max = 0xffff): Uint8Array {
    const n = this.u16(`${field} length`);
    if (n > max) this.fail(`${field} is ${n} bytes, more than ${max}`);
    return this.take(n, field)?.slice() ?? new Uint8Array(0);
  }

  bytes32(field: string, max: number): Uint8Array {
    return this.view32(field, max).slice();
  }

  /**
   * As bytes32, but a view into the bytes being read rather than a copy: for a field the caller
   * decodes at once (a text), or one that stays inside a copy the decoded value already owns.
   * Each copy of a message's kilobyte is garbage a running terminal makes per envelope.
   */
  view32(field: string, max: number): Uint8Array {
    const n = this.u32(`${field} length`);
    if (n > max) {
      this.fail(`${field} is ${n} bytes, more than ${max}`);
      return new Uint8Array(0);
    }
    return this.take(n, field) ?? new Uint8Array(0);
  }

  string16(field: string, max = 255): string {
    const raw = this.bytes16(field, max);
    const text = decodeUtf8(raw);
    if (text === undefined) this.fail(`${field} is not valid UTF-8`);
    return text ?? '';
  }

  /** Records a semantic error (first one wins). */
  fail(message: string): void {
    this.error ??= `${this.what}: ${message}`;
  }

  /** True once a read ran out of bytes or a check failed. */
  get failed(): boolean {
    return this.error !== undefined;
  }

  get offset(): number {
    return this.at;
  }

  /** The decoded value, if every read succeeded and no byte is left over. */
  end<T>(value: T): Result<T> {
    if (this.error === undefined && this.at !== this.bytes.length) {
      this.error = `${this.what} has ${this.bytes.length - this.at} trailing bytes`;
    }
    return this.error === undefined ? ok(value) : fail(this.code, this.error);
  }
}
