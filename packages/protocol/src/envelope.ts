/**
 * Envelopes (docs/spec/protocol.md §5): what a device hands the relay. The relay sees the
 * channel, the MLS ciphertext and the statement commitment, never plaintext.
 *
 *   u8 version = 1 | u8 kind | [16] channel id | [32] commitment | u32 length | payload
 *
 * envelope hash = SHA-256("hotline/v1/envelope\n" || encoding)
 */
import { Reader, Writer } from './codec.js';
import { fail, type Result } from './errors.js';
import { labelledHash } from './hashing.js';
import { Label } from './labels.js';

export const ENVELOPE_VERSION = 1;
export const CHANNEL_ID_SIZE = 16;
/** MLS application messages for hotline statements are small; commits with trees are larger. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export const EnvelopeKind = {
  /** An MLS application message carrying a signed statement. */
  application: 1,
  /** An MLS handshake message (commit or proposal); the relay accepts one commit per epoch. */
  handshake: 2,
} as const;
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind];

export interface Envelope {
  readonly kind: EnvelopeKind;
  readonly channelId: Uint8Array;
  /** H(salt || signed statement): binds the plaintext without revealing it. */
  readonly commitment: Uint8Array;
  readonly payload: Uint8Array;
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  if (envelope.payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`envelope payload is ${envelope.payload.length} bytes, more than ${MAX_PAYLOAD_BYTES}`);
  return new Writer()
    .u8(ENVELOPE_VERSION)
    .u8(envelope.kind)
    .fixed(envelope.channelId, CHANNEL_ID_SIZE)
    .fixed(envelope.commitment, 32)
    .bytes32(envelope.payload)
    .finish();
}

export function decodeEnvelope(bytes: Uint8Array): Result<Envelope> {
  if (bytes.length > MAX_PAYLOAD_BYTES + 64) return fail('too_large', `envelope is ${bytes.length} bytes, more than ${MAX_PAYLOAD_BYTES + 64}`);
  const r = new Reader(bytes, 'malformed_envelope', 'envelope');
  const version = r.u8('version');
  if (!r.failed && version !== ENVELOPE_VERSION) return fail('unsupported_version', `envelope version ${version} is not supported (expected ${ENVELOPE_VERSION})`);
  const kind = r.u8('kind');
  const channelId = r.fixed(CHANNEL_ID_SIZE, 'channel id');
  const commitment = r.fixed(32, 'commitment');
  const payload = r.bytes32('payload', MAX_PAYLOAD_BYTES);
  if (kind !== EnvelopeKind.application && kind !== EnvelopeKind.handshake) r.fail(`kind ${kind} is not 1 (application) or 2 (handshake)`);
  if (payload.length === 0) r.fail('payload is empty');
  return r.end({ kind: kind as EnvelopeKind, channelId, commitment, payload });
}

export function envelopeHash(encoded: Uint8Array): Uint8Array {
  return labelledHash(Label.envelope, encoded);
}
