/**
 * Envelope submission, shared by HTTP and WebSocket: validate, authorise, rate-limit, then
 * sequence. Nothing is stored unless every check passes.
 */
import { bytesEqual, toHex } from '@hotline/log';
import { channelTag, decodeEnvelope, envelopeHash, EnvelopeKind, MlsContentType, readMlsFraming, RecordKind, type Envelope } from '@hotline/protocol';
import { RelayErrorCode } from './client/error-codes.js';
import { badRequest, forbidden, tooMany, unauthorized } from './errors.js';
import type { Count } from './limits.js';
import type { RateLimiter } from './rate-limit.js';
import type { Sequencer } from './sequencer.js';
import type { AccessSnapshot } from './storage/access.js';
import type { HandshakeEpoch, Sequenced } from './storage/records.js';

/** What accepting an envelope needs: no storage reads, only the snapshot and the sequencer. */
export interface SubmissionDeps {
  readonly access: Pick<AccessSnapshot, 'isActive' | 'isMember'>;
  readonly limiter: Pick<RateLimiter, 'take'>;
  readonly sequencer: Pick<Sequencer, 'submit'>;
  readonly countSequenced: Count;
}

// Channels are few and hot: hashing the tag once per channel, not once per envelope.
const tags = new Map<string, Uint8Array>();
function cachedChannelTag(channelId: Uint8Array): Uint8Array {
  const key = toHex(channelId);
  let tag = tags.get(key);
  if (tag === undefined) {
    tag = channelTag(channelId);
    if (tags.size >= 10_000) tags.delete(tags.keys().next().value!);
    tags.set(key, tag);
  }
  return tag;
}

export async function submitEnvelope(deps: SubmissionDeps, deviceKey: Uint8Array, bytes: Uint8Array, pathChannelId?: Uint8Array): Promise<Sequenced> {
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) throw badRequest(decoded.error.code, decoded.error.message);
  const envelope = decoded.value;
  if (pathChannelId !== undefined && !bytesEqual(pathChannelId, envelope.channelId)) {
    throw badRequest('channel_mismatch', 'envelope channel id differs from the channel in the URL');
  }
  const handshake = envelope.kind === EnvelopeKind.handshake ? handshakeEpoch(envelope) : undefined;
  // WebSocket sessions outlive revocations and certificate expiry: check on every submission.
  if (!deps.access.isActive(deviceKey)) throw unauthorized('device is revoked, expired or unknown');
  if (!deps.access.isMember(envelope.channelId, deviceKey)) {
    throw forbidden('not_a_member', 'this device is not a member of the envelope\'s channel');
  }
  const wait = deps.limiter.take(toHex(deviceKey));
  if (wait > 0) throw tooMany('this device is sending faster than its rate limit', wait);
  const placed = await deps.sequencer.submit({
    kind: RecordKind.envelope,
    streamTag: cachedChannelTag(envelope.channelId),
    itemHash: envelopeHash(bytes),
    aux: envelope.commitment,
    body: bytes,
    ...(handshake === undefined ? {} : { handshake }),
  });
  deps.countSequenced(1, { kind: 'envelope', duplicate: String(placed.duplicate) });
  return placed;
}

/**
 * The epoch a handshake envelope is for, and whether it is a commit (protocol.md §5.1). The
 * sequencer refuses it, atomically with every other write, if that epoch is already committed.
 */
function handshakeEpoch(envelope: Envelope): HandshakeEpoch {
  const framing = readMlsFraming(envelope.payload);
  if (!framing.ok) throw badRequest(RelayErrorCode.malformedMlsFraming, `handshake envelope: ${framing.error.message}`);
  const { groupId, epoch, contentType } = framing.value;
  // Terminals create each channel's group with group id = channel id: a commit of another
  // group is either misaddressed or replayed from another channel.
  if (!bytesEqual(groupId, envelope.channelId)) throw badRequest(RelayErrorCode.groupMismatch, `handshake is for MLS group ${toHex(groupId).slice(0, 32)}, not this channel's group`);
  if (contentType === MlsContentType.application) throw badRequest(RelayErrorCode.notAHandshake, `handshake envelope carries an MLS application message (epoch ${epoch})`);
  return { epoch, commit: contentType === MlsContentType.commit };
}

export function receiptJson(placed: Sequenced): Record<string, unknown> {
  return {
    seq: placed.seq,
    logIndex: placed.logIndex,
    chainHash: Buffer.from(placed.chainHash).toString('base64'),
    receivedAt: placed.receivedAt,
    duplicate: placed.duplicate,
  };
}
