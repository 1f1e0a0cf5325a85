/**
 * What the terminal needs from a relay (docs/spec/relay-api.md), as an interface the terminal
 * owns: the terminal trusts none of the answers — every one is checked against the log, the
 * directory or MLS — and depends on no relay code. `@hotline/relay/client`'s RelayClient
 * implements it.
 */
import type { Delivery } from '@hotline/protocol';

export interface RelayReceipt {
  readonly seq: number;
  readonly logIndex: number;
  readonly chainHash: Uint8Array;
  readonly receivedAt: number;
  readonly duplicate: boolean;
}

export interface Mail {
  readonly id: number;
  readonly sender: Uint8Array;
  readonly body: Uint8Array;
}

export interface RelayApi {
  /** GET /v1/quorum-checkpoint: the newest checkpoint with the cosignatures that met the relay's policy (signed note text). */
  checkpoint(): Promise<string>;
  tile(level: number, index: number, width: number): Promise<Uint8Array>;
  entryBundle(index: number, width: number): Promise<Uint8Array>;
  /** The registered certificate of a device, or undefined if the relay has none. */
  certificate(deviceKey: Uint8Array): Promise<Uint8Array | undefined>;
  /** Logs in (once per client) with this device's key. */
  login(): Promise<void>;
  putMembership(channelId: Uint8Array, membership: Uint8Array): Promise<void>;
  /** The relay's current access list for a channel (protocol.md §8), or undefined if none. */
  membership(channelId: Uint8Array): Promise<Uint8Array | undefined>;
  submit(channelId: Uint8Array, envelope: Uint8Array): Promise<RelayReceipt>;
  envelopes(channelId: Uint8Array, from: number, limit: number): Promise<Delivery[]>;
  publishKeyPackage(keyPackage: Uint8Array): Promise<void>;
  /** One of the device's published key packages, removed from the relay; undefined if none is left. */
  claimKeyPackage(deviceKey: Uint8Array): Promise<Uint8Array | undefined>;
  sendWelcome(recipient: Uint8Array, body: Uint8Array): Promise<void>;
  welcomes(): Promise<Mail[]>;
  deleteMail(id: number): Promise<void>;
  /**
   * A push subscription (WebSocket) to these channels: `onDelivery` runs when the relay pushes
   * an envelope. Used as a wake-up only; everything is still read and verified as above.
   * Optional: without it, the running terminal polls on its tick.
   */
  /** POST /v1/revocations: a revocation signed by a party root, appended to the logged directory. */
  revokeDevice?(revocation: Uint8Array): Promise<RelayReceipt>;
  subscribe?(channels: readonly { channelId: Uint8Array; fromSeq: number }[], onDelivery: () => void): Promise<Subscription>;
}

export interface Subscription {
  /** Resolves when the socket closes, for whatever reason. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * True if `error` says the relay is not serving: it could not be reached at all (connection
 * refused or reset, DNS, a timeout), or it answered 5xx or 429 — as opposed to a relay that
 * answered and refused this request (other 4xx). Nothing was proven either way: the caller
 * keeps what it has, shows what the archive verified, and tries again later (exit 3 in the CLI).
 */
export function isRelayUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'CatchUpError') return isRelayUnavailable((error as Error & { cause?: unknown }).cause);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status >= 500 || status === 429;
  return error instanceof TypeError && /fetch failed/.test(error.message);
}

/** True if `error` is an answer from the relay (it has an HTTP status), whatever it said. */
export function isRelayAnswer(error: unknown): boolean {
  const e = error instanceof Error && error.name === 'CatchUpError' ? (error as Error & { cause?: unknown }).cause : error;
  return typeof (e as { status?: unknown } | undefined)?.status === 'number';
}

/**
 * True if the relay refused a handshake because its epoch already has a commit (relay-api.md:
 * 409 `epoch_committed`). That commit lost a race, or is a replay: it can never be sequenced.
 */
export function isEpochCommitted(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown } | undefined;
  return e !== undefined && e !== null && e.status === 409 && e.code === 'epoch_committed';
}
