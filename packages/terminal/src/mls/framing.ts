/** Reading MLS framed messages (commits and application messages) out of envelope payloads. */
import { decode, mlsMessageDecoder, wireformats, type MlsFramedMessage } from 'ts-mls';

/** The framed message in a payload; throws if it is not one (MLS refuses it). */
export function framed(payload: Uint8Array): MlsFramedMessage {
  const message = decode(mlsMessageDecoder, payload);
  if (message === undefined || (message.wireformat !== wireformats.mls_public_message && message.wireformat !== wireformats.mls_private_message)) throw new Error('not an MLS framed message');
  return message as MlsFramedMessage;
}

/** The epoch a framed message was sent in (in the clear in both framings). */
export function epochOf(message: MlsFramedMessage): bigint {
  return message.wireformat === wireformats.mls_public_message ? message.publicMessage.content.epoch : message.privateMessage.epoch;
}
