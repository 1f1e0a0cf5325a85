/**
 * Error codes a client is expected to act on, shared by the relay (which answers them) and its
 * clients (which find them on `RelayRequestError.code`, over HTTP and WebSocket alike).
 */
export const RelayErrorCode = {
  /**
   * 409: the handshake's epoch of this channel already has a sequenced commit (one commit per
   * epoch, protocol.md §5.1). Nothing was stored. A member whose commit lost should drop it,
   * process the winning commit from the channel's stream, and commit again in the new epoch.
   */
  epochCommitted: 'epoch_committed',
  /** 400: a handshake envelope's payload has no readable RFC 9420 framing (protocol.md §5.1). */
  malformedMlsFraming: 'malformed_mls_framing',
  /** 400: a handshake envelope's MLS group id is not its channel id. */
  groupMismatch: 'group_mismatch',
  /** 400: a handshake envelope carries an MLS application message. */
  notAHandshake: 'not_a_handshake',
  /**
   * 403: an access-list update signed by a device that is not an active member device with a
   * member-change role (protocol.md §8). Nothing was stored; the terminal should leave the
   * change to a device that may make it.
   */
  notAuthorised: 'not_authorised',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];
