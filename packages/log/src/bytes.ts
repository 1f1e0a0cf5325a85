/** Byte helpers that work the same in Node and in a browser (no Buffer). */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes strict UTF-8; returns undefined for invalid sequences rather than replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** False for strings with lone UTF-16 surrogates, which have no UTF-8 encoding. */
export function isWellFormedText(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = '0123456789abcdef';
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => HEX[b >> 4]! + HEX[b & 15]!);

/**
 * Lowercase hex, as one flat string: built with `+=` it was a rope of two cons cells per byte —
 * garbage on every call (a running terminal makes dozens per envelope) and about 3 KB for each
 * 32-byte id kept (the board holds 10,000).
 */
export function toHex(bytes: Uint8Array): string {
  const pairs = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) pairs[i] = HEX_PAIRS[bytes[i]!]!;
  return pairs.join('');
}

/** Strict lowercase hex, even length; undefined otherwise. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function uint32BE(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`uint32 out of range: ${value}`);
  return new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

export function readUint32BE(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function uint64BE(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`uint64 out of range: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

export function readUint64BE(bytes: Uint8Array, offset = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset);
}

/** Canonical decimal: digits only, no sign, no leading zeros (except "0"). */
export function parseCanonicalDecimal(text: string): bigint | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  return BigInt(text);
}

/** Canonical decimal that also fits in a JavaScript safe integer. */
export function parseSafeDecimal(text: string): number | undefined | 'too_large' {
  const value = parseCanonicalDecimal(text);
  if (value === undefined) return undefined;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return 'too_large';
  return Number(value);
}
