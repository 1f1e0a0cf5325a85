/** encodeRecordBundle: the exporter's input as the bundle's canonical bytes (record.md). */
import { encodeCanonicalJson } from '../json/canonical-json.js';
import { bundleToJson } from './bundle-json.js';
import type { RecordBundleInput } from './types.js';

export function encodeRecordBundle(input: RecordBundleInput): Uint8Array {
  return encodeCanonicalJson(bundleToJson(input));
}
