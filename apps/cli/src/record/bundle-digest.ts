/** The bundle's SHA-256 in lower-case hex: what a rendering names as its evidence. */
import { createHash } from 'node:crypto';

export function bundleDigest(bundleBytes: Uint8Array): string {
  return createHash('sha256').update(bundleBytes).digest('hex');
}
