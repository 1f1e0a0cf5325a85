/** Path parameters: device keys (64 hex digits) and channel ids (32 hex digits). */
import { fromHex } from '@hotline/log';
import { badRequest } from '../errors.js';

export function hexParam(value: string | undefined, bytes: number, what: string): Uint8Array {
  const decoded = value === undefined ? undefined : fromHex(value);
  if (decoded === undefined || decoded.length !== bytes) throw badRequest('malformed_path', `${what} must be ${bytes * 2} lowercase hex digits`);
  return decoded;
}

export const HEX32 = '([0-9a-f]{64})';
export const HEX16 = '([0-9a-f]{32})';
